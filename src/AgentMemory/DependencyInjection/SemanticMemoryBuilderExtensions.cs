using AgentMemory;
using AgentMemory.Semantic;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds semantic memory to an AgentMemory registration.</summary>
/// <remarks>Call while configuring services, on one thread; not thread-safe.</remarks>
public static class SemanticMemoryBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="ISemanticMemory"/> as a singleton over the registered <see cref="IMemoryStore"/>. It uses
    /// the registered <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> (of <see cref="string"/> to
    /// <see cref="Embedding{T}"/> of <see cref="float"/>) when there is one, else the built-in
    /// <see cref="HashingEmbeddingGenerator"/>; the registered <see cref="IMemoryExtractor"/> when there is one, else
    /// <see cref="RuleBasedMemoryExtractor"/>. Uses TryAdd, so services registered before this call win. Options are
    /// validated at host start (and at the latest when the semantic memory is first resolved).
    /// </summary>
    /// <param name="builder">The AgentMemory builder.</param>
    /// <param name="configure">Configures the options; null for the defaults.</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static IAgentMemoryBuilder AddSemanticMemory(this IAgentMemoryBuilder builder, Action<SemanticMemoryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<SemanticMemoryOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SemanticMemoryOptions>, SemanticMemoryOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static provider => new SemanticMemory(
            provider.GetRequiredService<IMemoryStore>(),
            provider.GetRequiredService<IOptions<SemanticMemoryOptions>>().Value,
            provider.GetService<IEmbeddingGenerator<string, Embedding<float>>>(),
            provider.GetService<IMemoryExtractor>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILogger<SemanticMemory>>()));
        services.TryAddSingleton<ISemanticMemory>(static provider => provider.GetRequiredService<SemanticMemory>());
        return builder;
    }
}
