namespace AgentMemory.Semantic;

/// <summary>
/// Settings of the semantic memory's two retrieval caches: the <b>result cache</b> (a query's scored candidate set,
/// keyed by its text, scope and filters) and the <b>embedding cache</b> (query text → embedding).
/// </summary>
/// <remarks>
/// <para>
/// A cached candidate set is dropped as soon as a memory visible to the query's scope is stored, updated (content,
/// type, importance, metadata), consolidated or deleted; access-statistics updates do not invalidate it, because the
/// final score (relevance, recency, importance) is recomputed from the current memories on every hit. A hit
/// therefore returns exactly what an uncached retrieval would. Entries also expire <see cref="Ttl"/> after they were
/// added (on the semantic memory's <see cref="TimeProvider"/>) and the least recently used go beyond the capacity.
/// </para>
/// <para>A plain settings object, copied by the semantic memory at construction; not thread-safe to mutate while read.</para>
/// </remarks>
public sealed class SemanticCacheOptions
{
    /// <summary>How many query candidate sets to keep; 0 turns the result cache off. Defaults to 1000.</summary>
    public int ResultCapacity { get; set; } = 1000;

    /// <summary>How many query embeddings to keep; 0 turns the embedding cache off. Defaults to 1000.</summary>
    public int EmbeddingCapacity { get; set; } = 1000;

    /// <summary>How long an entry of either cache lives after it was added. Defaults to 10 minutes.</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Checks the values, naming each bad option.</summary>
    /// <param name="prefix">Prefixed to option names in messages.</param>
    /// <returns>The problems found; empty when the options are valid.</returns>
    public IReadOnlyList<string> Validate(string prefix = nameof(SemanticCacheOptions))
    {
        var errors = new List<string>();
        if (ResultCapacity < 0)
        {
            errors.Add($"{prefix}.{nameof(ResultCapacity)} must be at least 0 (was {ResultCapacity}).");
        }

        if (EmbeddingCapacity < 0)
        {
            errors.Add($"{prefix}.{nameof(EmbeddingCapacity)} must be at least 0 (was {EmbeddingCapacity}).");
        }

        if (Ttl <= TimeSpan.Zero)
        {
            errors.Add($"{prefix}.{nameof(Ttl)} must be positive (was {Ttl}).");
        }

        return errors;
    }

    internal SemanticCacheOptions Clone() => new() { ResultCapacity = ResultCapacity, EmbeddingCapacity = EmbeddingCapacity, Ttl = Ttl };
}
