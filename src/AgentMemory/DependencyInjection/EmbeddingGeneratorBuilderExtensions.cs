using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the embedding generator AgentMemory's semantic memory embeds with.</summary>
/// <remarks>Call while configuring services, on one thread; not thread-safe.</remarks>
public static class EmbeddingGeneratorBuilderExtensions
{
    /// <summary>
    /// Registers <paramref name="generator"/> as the <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of
    /// <see cref="string"/> to <see cref="Embedding{T}"/> of <see cref="float"/>. Uses TryAdd: a generator registered
    /// before this call wins. The container does not dispose an instance it was given.
    /// </summary>
    /// <param name="builder">The AgentMemory builder.</param>
    /// <param name="generator">The embedding generator.</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="generator"/> is null.</exception>
    public static IAgentMemoryBuilder AddEmbeddingGenerator(this IAgentMemoryBuilder builder, IEmbeddingGenerator<string, Embedding<float>> generator)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(generator);
        builder.Services.TryAddSingleton(generator);
        return builder;
    }

    /// <summary>
    /// Registers a factory for the <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of <see cref="string"/> to
    /// <see cref="Embedding{T}"/> of <see cref="float"/>, called once. Uses TryAdd: a generator registered before this
    /// call wins.
    /// </summary>
    /// <param name="builder">The AgentMemory builder.</param>
    /// <param name="factory">Creates the generator.</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="factory"/> is null.</exception>
    public static IAgentMemoryBuilder AddEmbeddingGenerator(this IAgentMemoryBuilder builder, Func<IServiceProvider, IEmbeddingGenerator<string, Embedding<float>>> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.TryAddSingleton(factory);
        return builder;
    }
}
