using AgentMemory.Vectors;

namespace AgentMemory.Tests.Vectors;

public sealed class FlatVectorIndexSoakTests
{
    /// <summary>
    /// Writers keep rewriting vectors whose components are all equal to one value (a "uniform" vector), while
    /// readers search. A half-written vector would mix two values; every result's score must match a uniform vector.
    /// </summary>
    [Fact]
    public async Task ConcurrentWritesAndSearches_NeverExposeHalfWrittenVectors()
    {
        const int Dims = 64;
        using var index = new FlatVectorIndex(Dims, VectorMetric.DotProduct, new FlatVectorIndexOptions { InitialCapacity = 4, ParallelThreshold = 50, MaxDegreeOfParallelism = 2 });
        var query = Enumerable.Repeat(1f, Dims).ToArray();
        const int Writers = 2;
        const int Readers = 2;
        const int Rounds = 3000;
        using var barrier = new Barrier(Writers + Readers);
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();

        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() =>
        {
            barrier.SignalAndWait();
            var random = new Random(w);
            for (var i = 0; i < Rounds; i++)
            {
                var id = $"w{w}-{random.Next(100)}";
                var value = random.Next(1, 50);
                if (random.Next(4) == 0)
                {
                    index.Remove(id);
                }
                else
                {
                    index.Upsert(id, Enumerable.Repeat((float)value, Dims).ToArray(), new Dictionary<string, MetadataValue> { ["v"] = value });
                }
            }
        }));
        var readers = Enumerable.Range(0, Readers).Select(r => Task.Run(() =>
        {
            barrier.SignalAndWait();
            for (var i = 0; i < Rounds / 3; i++)
            {
                var results = r == 0 ? index.Search(query, 10) : index.SearchBatch([query, query], 10)[1];
                for (var j = 0; j < results.Count; j++)
                {
                    var expected = results[j].Metadata["v"].AsInt64() * Dims;
                    if (results[j].Score != expected)
                    {
                        failures.Enqueue($"{results[j].Id}: score {results[j].Score}, metadata says {expected}");
                    }

                    if (j > 0 && results[j].Score > results[j - 1].Score)
                    {
                        failures.Enqueue("results out of order");
                    }
                }
            }
        }));
        await Task.WhenAll([.. writers, .. readers]);

        failures.Should().BeEmpty();
        var ids = index.GetIds();
        index.Count.Should().Be(ids.Count);
        foreach (var id in ids)
        {
            var v = index.GetVector(id)!;
            v.Distinct().Should().ContainSingle();
            ((long)v[0]).Should().Be(index.GetMetadata(id)!["v"].AsInt64());
        }
    }
}
