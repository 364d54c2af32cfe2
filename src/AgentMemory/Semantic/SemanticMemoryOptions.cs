using AgentMemory.Search;

namespace AgentMemory.Semantic;

/// <summary>Settings of the semantic memory: storage, scoring weights, retrieval and conversation memory.</summary>
/// <remarks>A plain settings object, copied by the semantic memory at construction; not thread-safe to mutate while read.</remarks>
public sealed class SemanticMemoryOptions
{
    /// <summary>The prefix of every key the semantic memory writes to the <see cref="IMemoryStore"/>. Defaults to <c>semantic:</c>; must not contain glob characters (<c>* ? [ ] \</c>).</summary>
    public string KeyPrefix { get; set; } = "semantic:";

    /// <summary>The eviction priority memories are stored with. Defaults to <see cref="MemoryPriority.High"/>.</summary>
    public MemoryPriority StorePriority { get; set; } = MemoryPriority.High;

    /// <summary>The dimensions of the built-in <see cref="HashingEmbeddingGenerator"/>, used when no embedding generator is registered. Defaults to 256.</summary>
    public int BuiltInEmbeddingDimensions { get; set; } = 256;

    /// <summary>The weight of relevance in the score. Defaults to 1 (Generative Agents: equal weights).</summary>
    public double RelevanceWeight { get; set; } = 1.0;

    /// <summary>The weight of recency in the score. Defaults to 1.</summary>
    public double RecencyWeight { get; set; } = 1.0;

    /// <summary>The weight of importance in the score. Defaults to 1.</summary>
    public double ImportanceWeight { get; set; } = 1.0;

    /// <summary>
    /// The factor recency decays by per hour since a memory was last accessed (or formed): recency is
    /// <c>RecencyDecayPerHour ^ hours</c>. Defaults to 0.995, as in Generative Agents (a half-life of about 5.8 days).
    /// Must be in (0, 1].
    /// </summary>
    public double RecencyDecayPerHour { get; set; } = 0.995;

    /// <summary>How vector and keyword matches combine into relevance. Defaults to <see cref="RelevanceFusion.Weighted"/>.</summary>
    public RelevanceFusion Fusion { get; set; } = RelevanceFusion.Weighted;

    /// <summary>The share of vector similarity in relevance. Defaults to 0.7.</summary>
    public double VectorWeight { get; set; } = 0.7;

    /// <summary>The share of keyword (BM25) match in relevance. Defaults to 0.3; 0 turns keyword search off.</summary>
    public double KeywordWeight { get; set; } = 0.3;

    /// <summary>How many candidates each index returns per result asked for, before scoring. Defaults to 4 (at least 50 candidates).</summary>
    public int CandidateMultiplier { get; set; } = 4;

    /// <summary>The cosine similarity from which a learned fact reinforces an existing memory instead of adding a new one. Defaults to 0.9.</summary>
    public double LearningDuplicateThreshold { get; set; } = 0.9;

    /// <summary>The importance of the episodic memory stored for each learned interaction. Defaults to 0.3.</summary>
    public double InteractionImportance { get; set; } = 0.3;

    /// <summary>How long conversation turns stay in short-term memory. Defaults to 1 hour.</summary>
    public TimeSpan ConversationTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>BM25 parameters of the keyword index.</summary>
    public Bm25Options Keyword { get; set; } = new();

    /// <summary>How many recent retrieval latencies are kept for percentiles. Defaults to 1024.</summary>
    public int LatencySamples { get; set; } = 1024;

    /// <summary>The retrieval caches (query candidate sets and query embeddings): capacity and time to live.</summary>
    public SemanticCacheOptions Cache { get; set; } = new();

    /// <summary>Checks the values, naming each bad option.</summary>
    /// <param name="prefix">Prefixed to option names in messages.</param>
    /// <returns>The problems found; empty when the options are valid.</returns>
    public IReadOnlyList<string> Validate(string prefix = nameof(SemanticMemoryOptions))
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(KeyPrefix) || KeyPrefix.AsSpan().IndexOfAny("*?[]\\") >= 0)
        {
            errors.Add($"{prefix}.{nameof(KeyPrefix)} must be non-empty and free of glob characters (was '{KeyPrefix}').");
        }

        if (!Enum.IsDefined(StorePriority))
        {
            errors.Add($"{prefix}.{nameof(StorePriority)} is not a defined priority (was {StorePriority}).");
        }

        if (BuiltInEmbeddingDimensions < 16)
        {
            errors.Add($"{prefix}.{nameof(BuiltInEmbeddingDimensions)} must be at least 16 (was {BuiltInEmbeddingDimensions}).");
        }

        NonNegative(errors, prefix, nameof(RelevanceWeight), RelevanceWeight);
        NonNegative(errors, prefix, nameof(RecencyWeight), RecencyWeight);
        NonNegative(errors, prefix, nameof(ImportanceWeight), ImportanceWeight);
        NonNegative(errors, prefix, nameof(VectorWeight), VectorWeight);
        NonNegative(errors, prefix, nameof(KeywordWeight), KeywordWeight);
        if (RelevanceWeight + RecencyWeight + ImportanceWeight <= 0)
        {
            errors.Add($"{prefix}: at least one of {nameof(RelevanceWeight)}, {nameof(RecencyWeight)} and {nameof(ImportanceWeight)} must be positive.");
        }

        if (VectorWeight + KeywordWeight <= 0)
        {
            errors.Add($"{prefix}: at least one of {nameof(VectorWeight)} and {nameof(KeywordWeight)} must be positive.");
        }

        if (!(RecencyDecayPerHour is > 0 and <= 1))
        {
            errors.Add($"{prefix}.{nameof(RecencyDecayPerHour)} must be in (0, 1] (was {RecencyDecayPerHour}).");
        }

        if (!Enum.IsDefined(Fusion))
        {
            errors.Add($"{prefix}.{nameof(Fusion)} is not a defined fusion method (was {Fusion}).");
        }

        if (CandidateMultiplier < 1)
        {
            errors.Add($"{prefix}.{nameof(CandidateMultiplier)} must be at least 1 (was {CandidateMultiplier}).");
        }

        if (!(LearningDuplicateThreshold is >= -1 and <= 1))
        {
            errors.Add($"{prefix}.{nameof(LearningDuplicateThreshold)} must be in [-1, 1] (was {LearningDuplicateThreshold}).");
        }

        if (!(InteractionImportance is >= 0 and <= 1))
        {
            errors.Add($"{prefix}.{nameof(InteractionImportance)} must be in [0, 1] (was {InteractionImportance}).");
        }

        if (ConversationTtl <= TimeSpan.Zero)
        {
            errors.Add($"{prefix}.{nameof(ConversationTtl)} must be positive (was {ConversationTtl}).");
        }

        if (LatencySamples < 1)
        {
            errors.Add($"{prefix}.{nameof(LatencySamples)} must be at least 1 (was {LatencySamples}).");
        }

        if (Cache is null)
        {
            errors.Add($"{prefix}.{nameof(Cache)} must not be null.");
        }
        else
        {
            errors.AddRange(Cache.Validate($"{prefix}.{nameof(Cache)}"));
        }

        if (Keyword is null)
        {
            errors.Add($"{prefix}.{nameof(Keyword)} must not be null.");
        }
        else
        {
            errors.AddRange(Keyword.Validate($"{prefix}.{nameof(Keyword)}"));
        }

        return errors;
    }

    internal SemanticMemoryOptions Clone() => new()
    {
        KeyPrefix = KeyPrefix,
        StorePriority = StorePriority,
        BuiltInEmbeddingDimensions = BuiltInEmbeddingDimensions,
        RelevanceWeight = RelevanceWeight,
        RecencyWeight = RecencyWeight,
        ImportanceWeight = ImportanceWeight,
        RecencyDecayPerHour = RecencyDecayPerHour,
        Fusion = Fusion,
        VectorWeight = VectorWeight,
        KeywordWeight = KeywordWeight,
        CandidateMultiplier = CandidateMultiplier,
        LearningDuplicateThreshold = LearningDuplicateThreshold,
        InteractionImportance = InteractionImportance,
        ConversationTtl = ConversationTtl,
        Keyword = new Bm25Options { K1 = Keyword.K1, B = Keyword.B, StopWords = Keyword.StopWords?.ToArray(), Stemming = Keyword.Stemming },
        LatencySamples = LatencySamples,
        Cache = Cache.Clone(),
    };

    private static void NonNegative(List<string> errors, string prefix, string name, double value)
    {
        if (!(value >= 0) || double.IsInfinity(value))
        {
            errors.Add($"{prefix}.{name} must be a finite number of at least 0 (was {value}).");
        }
    }
}
