using AgentMemory.Vectors;

namespace AgentMemory.Tests.Vectors;

public sealed class FlatVectorIndexTests
{
    [Fact]
    public void Add_WrongDimensions_ThrowsNamingBothSizes()
    {
        using var index = new FlatVectorIndex(3);
        var act = () => index.Add("a", [1f, 2f]);
        act.Should().Throw<ArgumentException>().WithMessage("*2 dimensions*expects 3*").And.ParamName.Should().Be("vector");
        var search = () => index.Search([1f, 2f, 3f, 4f], 1);
        search.Should().Throw<ArgumentException>().WithMessage("*4 dimensions*expects 3*");
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Upsert_NonFiniteComponent_Throws(float bad)
    {
        using var index = new FlatVectorIndex(3, VectorMetric.DotProduct);
        var act = () => index.Upsert("a", [1f, bad, 0f]);
        act.Should().Throw<ArgumentException>().WithMessage("*component 1*finite*");
        index.Count.Should().Be(0);
        var query = () => index.Search([bad, 0f, 0f], 1);
        query.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Add_ZeroVectorUnderCosine_Throws()
    {
        using var index = new FlatVectorIndex(2, VectorMetric.Cosine);
        var act = () => index.Add("a", [0f, 0f]);
        act.Should().Throw<ArgumentException>().WithMessage("*norm 0*");
        using var dot = new FlatVectorIndex(2, VectorMetric.DotProduct);
        dot.Add("a", [0f, 0f]).Should().BeTrue();
    }

    [Fact]
    public void Constructor_BadArguments_Throw()
    {
        FluentActions.Invoking(() => new FlatVectorIndex(0)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new FlatVectorIndex(2, (VectorMetric)9)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new FlatVectorIndex(2, options: new FlatVectorIndexOptions { InitialCapacity = 0 }))
            .Should().Throw<ArgumentException>().WithMessage("*InitialCapacity*");
        using var index = new FlatVectorIndex(2);
        FluentActions.Invoking(() => index.Search([1f, 0f], 0)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Add_ExistingId_ReturnsFalseAndKeepsOriginal()
    {
        using var index = new FlatVectorIndex(2, VectorMetric.DotProduct);
        index.Add("a", [1f, 2f]).Should().BeTrue();
        index.Add("a", [5f, 5f]).Should().BeFalse();
        index.GetVector("a").Should().Equal(1f, 2f);
        index.Upsert("a", [3f, 4f], new Dictionary<string, MetadataValue> { ["x"] = 1 }).Should().BeFalse();
        index.GetVector("a").Should().Equal(3f, 4f);
        index.GetMetadata("a")!["x"].Should().Be((MetadataValue)1);
        index.GetVector("missing").Should().BeNull();
        index.GetMetadata("missing").Should().BeNull();
    }

    [Fact]
    public void Remove_ThenAdd_ReusesSlotAndDoesNotReturnRemoved()
    {
        using var index = new FlatVectorIndex(2, VectorMetric.DotProduct, new FlatVectorIndexOptions { InitialCapacity = 2 });
        index.Add("a", [1f, 0f]);
        index.Add("b", [2f, 0f]);
        index.Remove("a").Should().BeTrue();
        index.Remove("a").Should().BeFalse();
        index.Search([1f, 0f], 10).Select(r => r.Id).Should().Equal("b");
        index.Add("c", [3f, 0f]);
        index.Add("d", [4f, 0f]); // grows past the initial capacity
        index.Search([1f, 0f], 10).Select(r => r.Id).Should().Equal("d", "c", "b");
        index.Contains("a").Should().BeFalse();
        index.Count.Should().Be(3);
        index.Clear();
        index.Count.Should().Be(0);
        index.Search([1f, 0f], 10).Should().BeEmpty();
    }

    [Fact]
    public void Search_Metrics_ReportExpectedScores()
    {
        float[] a = [3f, 4f];
        float[] b = [-4f, 3f];
        float[] q = [3f, 4f];
        using var cos = new FlatVectorIndex(2, VectorMetric.Cosine);
        cos.Add("a", a);
        cos.Add("b", b);
        var r = cos.Search(q, 2);
        r[0].Should().Be(new VectorSearchResult("a", r[0].Score, r[0].Metadata));
        r[0].Score.Should().BeApproximately(1f, 1e-6f);
        r[1].Score.Should().BeApproximately(0f, 1e-6f);

        using var euclid = new FlatVectorIndex(2, VectorMetric.Euclidean);
        euclid.Add("a", a);
        euclid.Add("b", b);
        var e = euclid.Search(q, 2);
        e.Select(x => x.Id).Should().Equal("a", "b");
        e[0].Score.Should().Be(0f);
        e[1].Score.Should().BeApproximately(MathF.Sqrt(50f), 1e-5f);

        using var dot = new FlatVectorIndex(2, VectorMetric.DotProduct);
        dot.Add("a", a);
        dot.Search(q, 1)[0].Score.Should().Be(25f);
    }

    [Fact]
    public void Search_EqualScores_OrderedByOrdinalId()
    {
        using var index = new FlatVectorIndex(2, VectorMetric.DotProduct);
        foreach (var id in new[] { "b", "a", "B", "c" })
        {
            index.Add(id, [1f, 1f]);
        }

        index.Search([1f, 1f], 3).Select(r => r.Id).Should().Equal("B", "a", "b");
    }

    [Fact]
    public void Search_Filters_ApplyDuringScan()
    {
        using var index = new FlatVectorIndex(2, VectorMetric.DotProduct);
        index.Add("cheap", [1f, 0f], new Dictionary<string, MetadataValue> { ["price"] = 5, ["tag"] = "x" });
        index.Add("mid", [2f, 0f], new Dictionary<string, MetadataValue> { ["price"] = 10.5, ["tag"] = "y" });
        index.Add("dear", [3f, 0f], new Dictionary<string, MetadataValue> { ["price"] = 20, ["tag"] = "z", ["sale"] = true });
        index.Add("none", [4f, 0f]);
        float[] q = [1f, 0f];

        Ids(index.Search(q, 10, MetadataFilter.Equal("tag", "y"))).Should().Equal("mid");
        Ids(index.Search(q, 10, MetadataFilter.In("tag", ["x", "z"]))).Should().Equal("dear", "cheap");
        Ids(index.Search(q, 10, MetadataFilter.Range("price", 5, 10.5, minInclusive: false))).Should().Equal("mid");
        Ids(index.Search(q, 10, MetadataFilter.Range("price", min: 10))).Should().Equal("dear", "mid");
        Ids(index.Search(q, 10, MetadataFilter.Exists("sale"))).Should().Equal("dear");
        Ids(index.Search(q, 10, MetadataFilter.Not(MetadataFilter.Exists("price")))).Should().Equal("none");
        Ids(index.Search(q, 10, MetadataFilter.Or(MetadataFilter.Equal("tag", "x"), MetadataFilter.Exists("sale")))).Should().Equal("dear", "cheap");
        Ids(index.Search(q, 10, MetadataFilter.And(MetadataFilter.Range("price", max: 15), MetadataFilter.Equal("tag", "x")))).Should().Equal("cheap");
        Ids(index.Search(q, 1, MetadataFilter.Range("price", max: 15))).Should().Equal("mid");
        Ids(index.Search(q, 10, MetadataFilter.Equal("price", 5.0))).Should().BeEmpty("the integer 5 and the double 5.0 are different values");
    }

    [Fact]
    public void MetadataFilter_BadArguments_Throw()
    {
        FluentActions.Invoking(() => MetadataFilter.Range("p", 2, 1)).Should().Throw<ArgumentException>().WithMessage("*greater*");
        FluentActions.Invoking(() => MetadataFilter.Range("p", double.NaN)).Should().Throw<ArgumentException>().WithMessage("*NaN*");
        FluentActions.Invoking(() => MetadataFilter.Equal(null!, 1)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => MetadataFilter.And(null!)).Should().Throw<ArgumentNullException>();
        MetadataFilter.And().Matches(null).Should().BeTrue();
        MetadataFilter.Or().Matches(null).Should().BeFalse();
    }

    [Fact]
    public void SearchBatch_EqualsSeparateSearches()
    {
        using var index = new FlatVectorIndex(4, VectorMetric.Cosine);
        var random = new Random(7);
        for (var i = 0; i < 200; i++)
        {
            index.Add($"v{i}", [.. Enumerable.Range(0, 4).Select(_ => (float)random.NextDouble() - 0.5f)]);
        }

        ReadOnlyMemory<float>[] queries = [new float[] { 1, 0, 0, 0 }, new float[] { 0, 1, 1, 0 }, new float[] { -1, 0, 0, 1 }];
        var batch = index.SearchBatch(queries, 5);
        batch.Should().HaveCount(3);
        for (var q = 0; q < queries.Length; q++)
        {
            batch[q].Should().Equal(index.Search(queries[q].Span, 5));
        }

        index.SearchBatch([], 5).Should().BeEmpty();
    }

    [Fact]
    public void Dispose_ThenUse_Throws()
    {
        var index = new FlatVectorIndex(2);
        index.Dispose();
        FluentActions.Invoking(() => index.Add("a", [1f, 1f])).Should().Throw<ObjectDisposedException>();
    }

    private static IEnumerable<string> Ids(IReadOnlyList<VectorSearchResult> results) => results.Select(r => r.Id);
}
