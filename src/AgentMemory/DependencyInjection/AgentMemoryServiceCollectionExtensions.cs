using AgentMemory;
using AgentMemory.Serialization;
using AgentMemory.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers AgentMemory in a service collection.</summary>
/// <remarks>Call while configuring services, on one thread; not thread-safe.</remarks>
public static class AgentMemoryServiceCollectionExtensions
{
    /// <summary>
    /// Registers the in-process memory store as a singleton behind both <see cref="IMemoryStore"/> and
    /// <see cref="IMemoryOperations"/>, with <see cref="TimeProvider.System"/> and the MessagePack serializer unless
    /// the application registered its own. Uses TryAdd throughout, so services registered before this call win.
    /// Options are validated at host start (and at the latest when the store is first resolved).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options; null for the defaults.</param>
    /// <returns>A builder for the optional parts of the registration.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static IAgentMemoryBuilder AddAgentMemory(this IServiceCollection services, Action<AgentMemoryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<AgentMemoryOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentMemoryOptions>, AgentMemoryOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IMemorySerializer>(MessagePackMemorySerializer.Default);
        services.TryAddSingleton(static provider => new InMemoryStore(
            provider.GetRequiredService<IOptions<AgentMemoryOptions>>().Value.HotTier,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<IMemorySerializer>(),
            provider.GetService<ILogger<InMemoryStore>>()));
        services.TryAddSingleton<IMemoryStore>(static provider => provider.GetRequiredService<InMemoryStore>());
        services.TryAddSingleton<IMemoryOperations>(static provider => provider.GetRequiredService<InMemoryStore>());
        return new AgentMemoryBuilder(services);
    }
}
