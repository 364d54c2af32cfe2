using System.Numerics.Tensors;

namespace AgentMemory.Vectors;

/// <summary>
/// A metric as a struct strategy: scans are generic over it so the JIT compiles one loop per metric with the score
/// call inlined. <see cref="Key"/> maps a score to "higher is closer" so one heap serves every metric.
/// </summary>
internal interface IVectorScorer
{
    static abstract float Score(ReadOnlySpan<float> query, float queryInverseNorm, ReadOnlySpan<float> row, float rowInverseNorm);

    static abstract float Key(float score);
}

/// <summary>Cosine similarity from a dot product and the two precomputed inverse norms.</summary>
internal readonly struct CosineScorer : IVectorScorer
{
    public static float Score(ReadOnlySpan<float> query, float queryInverseNorm, ReadOnlySpan<float> row, float rowInverseNorm) =>
        TensorPrimitives.Dot(query, row) * queryInverseNorm * rowInverseNorm;

    public static float Key(float score) => score;
}

/// <summary>The plain dot product.</summary>
internal readonly struct DotProductScorer : IVectorScorer
{
    public static float Score(ReadOnlySpan<float> query, float queryInverseNorm, ReadOnlySpan<float> row, float rowInverseNorm) =>
        TensorPrimitives.Dot(query, row);

    public static float Key(float score) => score;
}

/// <summary>Euclidean distance; its key is negated so that closer is higher.</summary>
internal readonly struct EuclideanScorer : IVectorScorer
{
    public static float Score(ReadOnlySpan<float> query, float queryInverseNorm, ReadOnlySpan<float> row, float rowInverseNorm) =>
        TensorPrimitives.Distance(query, row);

    public static float Key(float score) => -score;
}
