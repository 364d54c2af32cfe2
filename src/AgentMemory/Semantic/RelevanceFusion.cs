namespace AgentMemory.Semantic;

/// <summary>How a semantic memory combines vector similarity and keyword (BM25) match into one relevance.</summary>
public enum RelevanceFusion
{
    /// <summary>
    /// <c>VectorWeight * max(0, cosine) + KeywordWeight * bm25 / best bm25</c>, divided by the sum of the weights:
    /// an absolute measure, comparable across queries, so a minimum relevance means the same for every query.
    /// </summary>
    Weighted = 0,

    /// <summary>
    /// Weighted reciprocal-rank fusion of the vector and keyword rankings, scaled so that first place in both is 1.
    /// Uses ranks only: robust to score scales, but relative to each query's candidates.
    /// </summary>
    ReciprocalRank = 1,
}
