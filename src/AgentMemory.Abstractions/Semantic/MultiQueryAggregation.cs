namespace AgentMemory;

/// <summary>How the results of several queries are combined into one ranking.</summary>
public enum MultiQueryAggregation
{
    /// <summary>A memory's score is its best score over the queries.</summary>
    Max = 0,

    /// <summary>A memory's score is its mean score over all queries, counting 0 for queries that did not return it.</summary>
    Mean = 1,

    /// <summary>A memory's score is the sum of its scores over the queries.</summary>
    Sum = 2,

    /// <summary>Reciprocal-rank fusion of the per-query rankings.</summary>
    ReciprocalRank = 3,
}
