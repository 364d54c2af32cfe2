using AgentMemory;
using AgentMemory.Semantic;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds a hierarchical (leveled) memory to an AgentMemory registration.</summary>
/// <remarks>Call while configuring services, on one thread; not thread-safe.</remarks>
public static class HierarchicalMemoryBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="IHierarchicalMemory"/> as a singleton <see cref="HierarchicalMemory"/> over the registered
    /// <see cref="SemanticMemory"/>, adding the semantic memory (with its defaults) if it is not registered yet. Uses
    /// TryAdd, so services registered before this call win. Options are validated at host start (and at the latest
    /// when the hierarchy is first resolved).
    /// </summary>
    /// <param name="builder">The AgentMemory builder.</param>
    /// <param name="configure">Configures capacities, idle limits and promotion rules; null for the defaults.</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static IAgentMemoryBuilder AddHierarchicalMemory(this IAgentMemoryBuilder builder, Action<HierarchicalMemoryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddSemanticMemory();
        var services = builder.Services;
        var options = services.AddOptions<HierarchicalMemoryOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HierarchicalMemoryOptions>, HierarchicalMemoryOptionsValidator>());
        services.TryAddSingleton(static provider => new HierarchicalMemory(
            provider.GetRequiredService<SemanticMemory>(),
            provider.GetRequiredService<IOptions<HierarchicalMemoryOptions>>().Value));
        services.TryAddSingleton<IHierarchicalMemory>(static provider => provider.GetRequiredService<HierarchicalMemory>());
        return builder;
    }
}
