using AgentMemory.Vectors;

namespace AgentMemory.Tests.Vectors;

public sealed class FlatVectorIndexSnapshotTests
{
    [Theory]
    [InlineData(VectorMetric.Cosine)]
    [InlineData(VectorMetric.DotProduct)]
    [InlineData(VectorMetric.Euclidean)]
    public void SaveLoad_RoundTrip_IsExact(VectorMetric metric)
    {
        using var index = Populated(metric);
        using var buffer = new MemoryStream();
        index.Save(buffer);
        buffer.Position = 0;
        using var loaded = FlatVectorIndex.Load(buffer);

        loaded.Metric.Should().Be(metric);
        loaded.Dimensions.Should().Be(index.Dimensions);
        loaded.GetIds().Should().Equal(index.GetIds());
        foreach (var id in index.GetIds())
        {
            loaded.GetVector(id).Should().Equal(index.GetVector(id));
            loaded.GetMetadata(id).Should().BeEquivalentTo(index.GetMetadata(id));
        }

        float[] query = [0.3f, -0.2f, 0.9f, 0.1f, 0.5f];
        loaded.Search(query, 20).Select(r => (r.Id, r.Score)).Should().Equal(index.Search(query, 20).Select(r => (r.Id, r.Score)));
    }

    [Fact]
    public void SaveToFile_LoadFromFile_RoundTrips()
    {
        var path = Path.Combine(Path.GetTempPath(), $"amvi-{Guid.NewGuid():N}.bin");
        try
        {
            using var index = Populated(VectorMetric.Cosine);
            index.SaveToFile(path);
            using var loaded = FlatVectorIndex.LoadFromFile(path);
            loaded.GetIds().Should().Equal(index.GetIds());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_CorruptData_ThrowsClearException()
    {
        using var index = Populated(VectorMetric.DotProduct);
        using var buffer = new MemoryStream();
        index.Save(buffer);
        var bytes = buffer.ToArray();

        Load([.. bytes.Take(bytes.Length - 3)]).Should().Throw<VectorSnapshotException>().WithMessage("*truncated*");
        Load([.. bytes.Take(10)]).Should().Throw<VectorSnapshotException>().WithMessage("*truncated*");
        Load([1, 2, 3, 4, .. bytes.Skip(4)]).Should().Throw<VectorSnapshotException>().WithMessage("*magic*");

        var flipped = (byte[])bytes.Clone();
        flipped[^5] ^= 0x40;
        Load(flipped).Should().Throw<VectorSnapshotException>().WithMessage("*checksum*");

        var version = (byte[])bytes.Clone();
        version[4] = 99;
        Load(version).Should().Throw<VectorSnapshotException>().WithMessage("*version 99*");

        var header = (byte[])bytes.Clone();
        header[8] = 0;
        header[9] = 0;
        header[10] = 0;
        header[11] = 0;
        Load(header).Should().Throw<VectorSnapshotException>().WithMessage("*header is corrupt*");
    }

    [Fact]
    public void SaveLoad_Empty_RoundTrips()
    {
        using var index = new FlatVectorIndex(3, VectorMetric.Euclidean);
        using var buffer = new MemoryStream();
        index.Save(buffer);
        buffer.Position = 0;
        using var loaded = FlatVectorIndex.Load(buffer);
        loaded.Count.Should().Be(0);
        loaded.Metric.Should().Be(VectorMetric.Euclidean);
    }

    private static Func<FlatVectorIndex> Load(byte[] bytes) => () => FlatVectorIndex.Load(new MemoryStream(bytes));

    private static FlatVectorIndex Populated(VectorMetric metric)
    {
        var index = new FlatVectorIndex(5, metric, new FlatVectorIndexOptions { InitialCapacity = 4 });
        var random = new Random(11);
        for (var i = 0; i < 40; i++)
        {
            var metadata = i % 3 == 0 ? null : new Dictionary<string, MetadataValue>
            {
                ["n"] = i,
                ["d"] = i / 7.0,
                ["s"] = $"ü-{i}",
                ["l"] = MetadataValue.FromList(1, "two", true),
            };
            index.Add($"id-{i}", [.. Enumerable.Range(0, 5).Select(_ => (float)(random.NextDouble() * 2 - 1))], metadata);
        }

        index.Remove("id-3");
        index.Remove("id-17");
        index.Upsert("id-5", [1f, 2f, 3f, 4f, 5f]);
        return index;
    }
}
