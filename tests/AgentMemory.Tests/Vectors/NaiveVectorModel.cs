using AgentMemory.Vectors;

namespace AgentMemory.Tests.Vectors;

/// <summary>The reference a flat index is checked against: a dictionary and a double-precision linear scan.</summary>
internal sealed class NaiveVectorModel(VectorMetric metric)
{
    public Dictionary<string, (float[] Vector, Dictionary<string, MetadataValue> Metadata)> Entries { get; } = new(StringComparer.Ordinal);

    public static double Score(VectorMetric metric, float[] a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0, dist = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
            dist += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
        }

        return metric switch
        {
            VectorMetric.Cosine => dot / (Math.Sqrt(na) * Math.Sqrt(nb)),
            VectorMetric.DotProduct => dot,
            _ => Math.Sqrt(dist),
        };
    }

    /// <summary>The top k, closest first, equal scores by ordinal id.</summary>
    public List<(string Id, double Score)> Search(float[] query, int k, MetadataFilter? filter)
    {
        var sign = metric == VectorMetric.Euclidean ? -1 : 1;
        return Entries
            .Where(e => filter is null || filter.Matches(e.Value.Metadata))
            .Select(e => (Id: e.Key, Score: Score(metric, e.Value.Vector, query)))
            .OrderByDescending(e => sign * e.Score)
            .ThenBy(e => e.Id, StringComparer.Ordinal)
            .Take(k)
            .ToList();
    }
}
