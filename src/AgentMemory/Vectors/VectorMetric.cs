namespace AgentMemory.Vectors;

/// <summary>How a vector index measures closeness between a query and a stored vector.</summary>
public enum VectorMetric
{
    /// <summary>Cosine similarity in [-1, 1]; higher is closer. Zero vectors are rejected.</summary>
    Cosine = 0,

    /// <summary>Dot product; higher is closer. Equals cosine similarity for unit-length vectors, and is cheaper.</summary>
    DotProduct = 1,

    /// <summary>Euclidean (L2) distance; lower is closer.</summary>
    Euclidean = 2,
}
