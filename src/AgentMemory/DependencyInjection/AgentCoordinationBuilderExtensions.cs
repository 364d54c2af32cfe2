using AgentMemory;
using AgentMemory.AgentFramework;
using AgentMemory.Agents;
using AgentMemory.Locks;
using AgentMemory.Workflows;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds agent coordination to an AgentMemory registration.</summary>
/// <remarks>Call while configuring services, on one thread; not thread-safe.</remarks>
public static class AgentCoordinationBuilderExtensions
{
    /// <summary>
    /// Registers, as singletons over the registered <see cref="IMemoryStore"/> and <see cref="IMemoryOperations"/>:
    /// <see cref="IDistributedLockProvider"/> (<see cref="MemoryStoreLockProvider"/>), <see cref="IAgentManager"/>
    /// (<see cref="MemoryStoreAgentManager"/>), <see cref="IAgentPool"/> (<see cref="MemoryStoreAgentPool"/>),
    /// <see cref="IWorkflowStateStore"/> (<see cref="MemoryStoreWorkflowStateStore"/>) and <see cref="IAgentMemory"/>
    /// (<see cref="AgentMemoryFacade"/>, which uses whatever lock provider and agent manager are registered). Uses
    /// TryAdd throughout, so services registered before this call win. Options are validated at host start.
    /// </summary>
    /// <remarks>
    /// <see cref="MemoryStoreAgentPool"/> works on <see cref="MemoryStoreAgentManager"/>'s records: an application that
    /// replaces <see cref="IAgentManager"/> with its own should replace <see cref="IAgentPool"/> too.
    /// </remarks>
    /// <param name="builder">The builder returned by <c>AddAgentMemory</c>.</param>
    /// <param name="configure">Configures the options; null for the defaults.</param>
    /// <returns>The same builder, to chain further parts.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static IAgentMemoryBuilder AddAgentCoordination(this IAgentMemoryBuilder builder, Action<AgentCoordinationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<AgentCoordinationOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentCoordinationOptions>, AgentCoordinationOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton(static sp => new MemoryStoreLockProvider(
            sp.GetRequiredService<IMemoryStore>(), sp.GetRequiredService<IMemoryOperations>(), Options(sp).Locks, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IDistributedLockProvider>(static sp => sp.GetRequiredService<MemoryStoreLockProvider>());

        services.TryAddSingleton(static sp => new MemoryStoreAgentManager(
            sp.GetRequiredService<IMemoryStore>(), sp.GetRequiredService<IMemoryOperations>(), Options(sp).Agents, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IAgentManager>(static sp => sp.GetRequiredService<MemoryStoreAgentManager>());
        services.TryAddSingleton(static sp => new MemoryStoreAgentPool(sp.GetRequiredService<MemoryStoreAgentManager>()));
        services.TryAddSingleton<IAgentPool>(static sp => sp.GetRequiredService<MemoryStoreAgentPool>());

        services.TryAddSingleton(static sp => new MemoryStoreWorkflowStateStore(
            sp.GetRequiredService<IMemoryStore>(), sp.GetRequiredService<IMemoryOperations>(), Options(sp).Workflows, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IWorkflowStateStore>(static sp => sp.GetRequiredService<MemoryStoreWorkflowStateStore>());

        services.TryAddSingleton(static sp => new AgentMemoryFacade(
            sp.GetRequiredService<IMemoryStore>(),
            sp.GetRequiredService<IMemoryOperations>(),
            sp.GetRequiredService<IDistributedLockProvider>(),
            sp.GetService<IAgentManager>(),
            Options(sp).Facade,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<IAgentHistoryStore>()));
        services.TryAddSingleton<IAgentMemory>(static sp => sp.GetRequiredService<AgentMemoryFacade>());
        return builder;
    }

    private static AgentCoordinationOptions Options(IServiceProvider sp) => sp.GetRequiredService<IOptions<AgentCoordinationOptions>>().Value;
}
