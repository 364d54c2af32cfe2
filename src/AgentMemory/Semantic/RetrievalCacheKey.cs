namespace AgentMemory.Semantic;

/// <summary>
/// Everything a query's candidate set depends on besides the memories themselves. Metadata filters compare by
/// reference (they have no value equality), so reuse one filter instance across queries to share cache entries.
/// </summary>
internal readonly record struct RetrievalCacheKey(
    string Text,
    MemoryScope Scope,
    int TypeMask,
    double MinRelevance,
    double MinImportance,
    DateTimeOffset? From,
    DateTimeOffset? To,
    MetadataFilter? Filter,
    int Candidates);
