using AgentMemory.Vectors;
using CsCheck;

namespace AgentMemory.Tests.Vectors;

/// <summary>The partition-filtered batched search (multi-query retrieval's one pass) equals separate searches.</summary>
public sealed class FlatVectorIndexBatchTests
{
    [Fact]
    public void PartitionedSearchBatch_EqualsSeparatePartitionedSearches()
    {
        Gen.Select(Gen.Float[-1, 1].Array[8].Array[1, 60], Gen.Float[-1, 1].Array[8].Array[1, 5], Gen.Int[1, 10]).Sample((vectors, queries, k) =>
        {
            using var index = new FlatVectorIndex(8, VectorMetric.DotProduct);
            for (var i = 0; i < vectors.Length; i++)
            {
                index.Upsert($"v{i}", vectors[i], tag: i, partition: i % 3);
            }

            bool[] visible = [true, false, true];
            Func<object?, bool> even = tag => tag is int i && i % 2 == 0;
            var batch = index.SearchBatch([.. queries.Select(q => (ReadOnlyMemory<float>)q)], k, visible, even);
            for (var q = 0; q < queries.Length; q++)
            {
                batch[q].Should().Equal(index.Search(queries[q], k, visible, even));
                batch[q].Select(r => int.Parse(r.Id.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture)).Should().OnlyContain(i => i % 3 != 1 && i % 2 == 0);
            }
        }, iter: 200);
    }
}
