namespace AgentMemory;

/// <summary>What <see cref="ISemanticMemory.PreloadAsync"/> warms: the indexes, the most important memories of a scope, and the caches of expected queries.</summary>
/// <remarks>A plain settings object, read once by the call; not thread-safe to mutate while a call reads it.</remarks>
public sealed class SemanticPreloadOptions
{
    /// <summary>Whose memories to preload (those visible to it); null for every memory.</summary>
    public MemoryScope? Scope { get; set; }

    /// <summary>Only memories at least this important are preloaded. Defaults to 0.8.</summary>
    public double MinImportance { get; set; } = 0.8;

    /// <summary>The most memories to preload, most important first; 0 preloads none. Defaults to 100.</summary>
    public int MaxCount { get; set; } = 100;

    /// <summary>
    /// Queries to run now (without counting any access), so that their embeddings and candidate sets are cached for
    /// the first real retrievals; null for none. A later retrieval hits the cache when it has the same text, scope,
    /// types, bounds and filter instance, and a limit that asks for as many candidates (any limit up to 12 with the
    /// default settings).
    /// </summary>
    public IReadOnlyList<MemoryQuery>? WarmQueries { get; set; }
}
