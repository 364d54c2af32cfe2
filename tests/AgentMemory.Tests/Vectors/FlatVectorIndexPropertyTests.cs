using AgentMemory.Vectors;
using CsCheck;

namespace AgentMemory.Tests.Vectors;

/// <summary>Random operation sequences against <see cref="NaiveVectorModel"/>: results equal a double-precision scan.</summary>
public sealed class FlatVectorIndexPropertyTests
{
    private const int Dims = 6;
    private static readonly string[] Ids = [.. Enumerable.Range(0, 24).Select(i => $"v{i:D2}")];

    // Small integers: float dot products and squared distances are then exact, so dot and euclidean results must
    // match the double-precision model id for id, order and tie-break included; ties are frequent by construction.
    private static readonly Gen<float[]> GenVector = Gen.Int[-3, 3].Select(i => (float)i).Array[Dims]
        .Where(v => v.Any(x => x != 0));

    private static readonly Gen<(int Kind, int Id, float[] Vector, int Group)> GenOp =
        Gen.Select(Gen.Frequency((5, Gen.Const(0)), (2, Gen.Const(1)), (1, Gen.Const(2))), Gen.Int[0, Ids.Length - 1], GenVector, Gen.Int[0, 3]);

    private static readonly Gen<MetadataFilter?> GenFilter = Gen.OneOf(
        Gen.Const((MetadataFilter?)null),
        Gen.Int[0, 3].Select(g => (MetadataFilter?)MetadataFilter.Equal("group", g)),
        Gen.Int[0, 3].Select(g => (MetadataFilter?)MetadataFilter.Range("group", max: g)),
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, 3]).Select((a, b) => (MetadataFilter?)MetadataFilter.Or(MetadataFilter.In("group", [a]), MetadataFilter.Equal("odd", b % 2 == 0))),
        Gen.Const<MetadataFilter?>(MetadataFilter.And(MetadataFilter.Exists("odd"), MetadataFilter.Not(MetadataFilter.Equal("group", 0)))));

    [Theory]
    [InlineData(VectorMetric.DotProduct)]
    [InlineData(VectorMetric.Euclidean)]
    public void Search_RandomOperations_EqualsNaiveScanExactly(VectorMetric metric)
    {
        Gen.Select(GenOp.Array[1, 60], GenVector.Array[1, 4], Gen.Int[1, 10], GenFilter, Gen.Bool).Sample((ops, queries, k, filter, parallel) =>
        {
            using var index = new FlatVectorIndex(Dims, metric, Options(parallel));
            var model = Apply(index, metric, ops);
            var batch = index.SearchBatch([.. queries.Select(q => (ReadOnlyMemory<float>)q)], k, filter);
            for (var q = 0; q < queries.Length; q++)
            {
                var expected = model.Search(queries[q], k, filter);
                var single = index.Search(queries[q], k, filter);
                single.Select(r => r.Id).Should().Equal(expected.Select(e => e.Id));
                single.Select(r => (double)r.Score).Should().Equal(expected.Select(e => e.Score), (a, b) => Math.Abs(a - b) <= 1e-4 * Math.Max(1, Math.Abs(b)));
                batch[q].Should().Equal(single);
            }
        }, iter: 300);
    }

    [Fact]
    public void Search_Cosine_RandomOperations_ReturnsTrueTopKWithinRounding()
    {
        Gen.Select(GenOp.Array[1, 60], GenVector, Gen.Int[1, 10], GenFilter, Gen.Bool).Sample((ops, query, k, filter, parallel) =>
        {
            using var index = new FlatVectorIndex(Dims, VectorMetric.Cosine, Options(parallel));
            var model = Apply(index, VectorMetric.Cosine, ops);
            var expected = model.Search(query, k, filter);
            var actual = index.Search(query, k, filter);

            // Mathematically equal cosines can differ in the last float bit, so ties may order either way; what must
            // hold is that rank by rank the true score of what was returned equals the true top-k score.
            actual.Should().HaveCount(expected.Count);
            actual.Select(r => r.Id).Should().OnlyHaveUniqueItems();
            for (var i = 0; i < actual.Count; i++)
            {
                var trueScore = NaiveVectorModel.Score(VectorMetric.Cosine, model.Entries[actual[i].Id].Vector, query);
                trueScore.Should().BeApproximately(expected[i].Score, 1e-5);
                ((double)actual[i].Score).Should().BeApproximately(trueScore, 1e-5);
                (filter?.Matches(model.Entries[actual[i].Id].Metadata) ?? true).Should().BeTrue();
            }
        }, iter: 300);
    }

    [Fact]
    public void Search_ContinuousRandomData_AllMetrics_MatchNaiveIdsAndOrder()
    {
        // Continuous data: near-ties are improbable, so ids and order must match exactly for every metric.
        var genVec = Gen.Single[-1f, 1f].Array[32];
        Gen.Select(genVec.Array[20, 80], genVec, Gen.Int[1, 15]).Sample((vectors, query, k) =>
        {
            foreach (var metric in Enum.GetValues<VectorMetric>())
            {
                using var index = new FlatVectorIndex(32, metric);
                var model = new NaiveVectorModel(metric);
                for (var i = 0; i < vectors.Length; i++)
                {
                    index.Add($"id{i}", vectors[i]);
                    model.Entries[$"id{i}"] = (vectors[i], []);
                }

                var expected = model.Search(query, k, null);
                if (HasNearTie(expected, model, query, metric, k))
                {
                    continue;
                }

                index.Search(query, k).Select(r => r.Id).Should().Equal(expected.Select(e => e.Id), $"metric {metric}");
            }
        }, iter: 100);
    }

    private static bool HasNearTie(List<(string Id, double Score)> top, NaiveVectorModel model, float[] query, VectorMetric metric, int k)
    {
        var all = model.Entries.Select(e => NaiveVectorModel.Score(metric, e.Value.Vector, query)).OrderBy(s => s).ToList();
        for (var i = 1; i < all.Count; i++)
        {
            if (all[i] - all[i - 1] < 1e-4)
            {
                return true;
            }
        }

        return false;
    }

    private static FlatVectorIndexOptions Options(bool parallel) =>
        new() { InitialCapacity = 2, ParallelThreshold = parallel ? 1 : int.MaxValue, MaxDegreeOfParallelism = 4 };

    private static NaiveVectorModel Apply(FlatVectorIndex index, VectorMetric metric, (int Kind, int Id, float[] Vector, int Group)[] ops)
    {
        var model = new NaiveVectorModel(metric);
        foreach (var (kind, idIndex, vector, group) in ops)
        {
            var id = Ids[idIndex];
            var metadata = new Dictionary<string, MetadataValue> { ["group"] = group };
            if (group % 2 == 1)
            {
                metadata["odd"] = idIndex % 2 == 0;
            }

            switch (kind)
            {
                case 0:
                    index.Upsert(id, vector, metadata).Should().Be(!model.Entries.ContainsKey(id));
                    model.Entries[id] = (vector, metadata);
                    break;
                case 1:
                    index.Remove(id).Should().Be(model.Entries.Remove(id));
                    break;
                default:
                    index.Add(id, vector, metadata).Should().Be(!model.Entries.ContainsKey(id));
                    model.Entries.TryAdd(id, (vector, metadata));
                    break;
            }
        }

        index.Count.Should().Be(model.Entries.Count);
        index.GetIds().Should().Equal(model.Entries.Keys.Order(StringComparer.Ordinal));
        return model;
    }
}
