using AgentMemory;
using AgentMemory.Security;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds memory security (encryption, access control, audit, threat detection) to an AgentMemory registration.</summary>
/// <remarks>Registration is not thread-safe, like every <see cref="IServiceCollection"/> change; the registered services are.</remarks>
public static class MemorySecurityBuilderExtensions
{
    /// <summary>
    /// Decorates the registered <see cref="IMemoryStore"/> and <see cref="IMemoryOperations"/> with a
    /// <see cref="SecuredMemoryStore"/> and registers <see cref="MemorySecurity"/> as <see cref="IMemorySecurity"/>.
    /// The <see cref="IKeyProvider"/> and <see cref="IMemoryAuditLog"/> come from the container (register your own),
    /// or from the arguments when given. Call it after everything else that registers or decorates the store, so
    /// security is the outermost layer.
    /// </summary>
    /// <param name="builder">The AgentMemory builder.</param>
    /// <param name="configure">Sets the <see cref="MemorySecurityOptions"/> (validated at start-up).</param>
    /// <param name="keys">The key provider, or null to resolve <see cref="IKeyProvider"/> from the container.</param>
    /// <param name="auditLog">The audit log, or null to resolve <see cref="IMemoryAuditLog"/> from the container.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="InvalidOperationException">No <see cref="IMemoryStore"/> is registered (call AddAgentMemory first), or security was already added.</exception>
    public static IAgentMemoryBuilder AddMemorySecurity(this IAgentMemoryBuilder builder, Action<MemorySecurityOptions>? configure = null, IKeyProvider? keys = null, IMemoryAuditLog? auditLog = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(MemorySecurity)))
        {
            throw new InvalidOperationException("AddMemorySecurity was already called on this service collection.");
        }

        var store = services.LastOrDefault(d => d.ServiceType == typeof(IMemoryStore) && !d.IsKeyedService)
            ?? throw new InvalidOperationException("No IMemoryStore is registered; call services.AddAgentMemory() before AddMemorySecurity().");
        var operations = services.LastOrDefault(d => d.ServiceType == typeof(IMemoryOperations) && !d.IsKeyedService)
            ?? throw new InvalidOperationException("No IMemoryOperations is registered; call services.AddAgentMemory() before AddMemorySecurity().");

        var options = services.AddOptions<MemorySecurityOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MemorySecurityOptions>, MemorySecurityOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        if (keys is not null)
        {
            services.TryAddSingleton(keys);
        }

        if (auditLog is not null)
        {
            services.TryAddSingleton(auditLog);
        }

        services.AddSingleton(provider => new MemorySecurity(
            (IMemoryStore)Resolve(provider, store),
            (IMemoryOperations)Resolve(provider, operations),
            provider.GetService<IKeyProvider>() ?? throw new InvalidOperationException("AddMemorySecurity needs an IKeyProvider: register one (for example an InProcessKeyProvider with the host's keys) or pass it to AddMemorySecurity."),
            provider.GetService<IMemoryAuditLog>() ?? throw new InvalidOperationException("AddMemorySecurity needs an IMemoryAuditLog: register one (InMemoryAuditLog or SqliteAuditLog with its HMAC key) or pass it to AddMemorySecurity."),
            provider.GetRequiredService<IOptions<MemorySecurityOptions>>().Value,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<IMemorySerializer>()));
        services.TryAddSingleton<IMemorySecurity>(static provider => provider.GetRequiredService<MemorySecurity>());
        services.TryAddSingleton(static provider => new SecuredMemoryStore(provider.GetRequiredService<MemorySecurity>()));
        services.TryAddSingleton(static provider => new SharedMemoryRegistry(provider.GetRequiredService<MemorySecurity>()));
        services.Replace(ServiceDescriptor.Singleton<IMemoryStore>(static provider => provider.GetRequiredService<SecuredMemoryStore>()));
        services.Replace(ServiceDescriptor.Singleton<IMemoryOperations>(static provider => provider.GetRequiredService<SecuredMemoryStore>()));
        return builder;
    }

    private static object Resolve(IServiceProvider provider, ServiceDescriptor descriptor) =>
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(provider)
        ?? ActivatorUtilities.GetServiceOrCreateInstance(provider, descriptor.ImplementationType!);
}
