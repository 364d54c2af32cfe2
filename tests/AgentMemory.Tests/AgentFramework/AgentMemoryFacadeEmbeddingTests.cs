using AgentMemory.AgentFramework;

namespace AgentMemory.Tests.AgentFramework;

public sealed class AgentMemoryFacadeEmbeddingTests : IDisposable
{
    private readonly FacadeHarness _h = new();

    public void Dispose() => _h.Dispose();

    private IAgentMemory Memory => _h.Memory;

    [Fact]
    public async Task Query_RanksByCosineSimilarity_AndReturnsMetadata()
    {
        await Memory.IndexEmbeddingAsync("east", new float[] { 1, 0, 0 }, new Dictionary<string, MetadataValue> { ["type"] = "document" });
        await Memory.IndexEmbeddingAsync("northeast", new float[] { 1, 1, 0 }, new Dictionary<string, MetadataValue> { ["type"] = "note" });
        await Memory.IndexEmbeddingAsync("west", new float[] { -1, 0, 0 });

        var matches = await Memory.QueryEmbeddingsAsync(new float[] { 2, 0.1f, 0 }, topK: 2);

        matches.Select(m => m.Id).Should().Equal("east", "northeast");
        matches[0].Score.Should().BeApproximately(0.99875f, 1e-4f);
        matches[0].Metadata["type"].Should().Be((MetadataValue)"document");
        matches[0].Score.Should().BeGreaterThan(matches[1].Score);
    }

    [Fact]
    public async Task Query_WithFilter_ReturnsOnlyMatchingMetadata()
    {
        await Memory.IndexEmbeddingAsync("a", new float[] { 1, 0 }, new Dictionary<string, MetadataValue> { ["type"] = "document" });
        await Memory.IndexEmbeddingAsync("b", new float[] { 1, 0.1f }, new Dictionary<string, MetadataValue> { ["type"] = "note" });
        await Memory.IndexEmbeddingAsync("c", new float[] { 0, 1 });

        var matches = await Memory.QueryEmbeddingsAsync(new float[] { 1, 0 }, 10, new Dictionary<string, MetadataValue> { ["type"] = "note" });

        matches.Should().ContainSingle().Which.Id.Should().Be("b");
    }

    [Fact]
    public async Task Delete_RemovesFromResults_AndReplaceOverwrites()
    {
        await Memory.IndexEmbeddingAsync("a", new float[] { 1, 0 });
        await Memory.IndexEmbeddingAsync("b", new float[] { 0, 1 });
        await Memory.IndexEmbeddingAsync("b", new float[] { 1, 0.01f });

        (await Memory.DeleteEmbeddingAsync("a")).Should().BeTrue();
        (await Memory.DeleteEmbeddingAsync("a")).Should().BeFalse();

        var matches = await Memory.QueryEmbeddingsAsync(new float[] { 1, 0 });
        matches.Should().ContainSingle().Which.Score.Should().BeGreaterThan(0.99f);
    }

    [Fact]
    public async Task Query_SkipsOtherDimensions_WhenNoneIsConfigured()
    {
        await Memory.IndexEmbeddingAsync("two", new float[] { 1, 0 });
        await Memory.IndexEmbeddingAsync("three", new float[] { 1, 0, 0 });

        (await Memory.QueryEmbeddingsAsync(new float[] { 1, 0, 0 })).Select(m => m.Id).Should().Equal("three");
    }

    [Fact]
    public async Task ConfiguredDimension_IsEnforced()
    {
        using var h = new FacadeHarness(options: new AgentMemoryFacadeOptions { EmbeddingDimensions = 3 });

        await h.Memory.Invoking(m => m.IndexEmbeddingAsync("x", new float[] { 1, 0 }).AsTask()).Should().ThrowAsync<ArgumentException>().WithMessage("*3 dimensions*");
        await h.Memory.Invoking(m => m.QueryEmbeddingsAsync(new float[] { 1 }).AsTask()).Should().ThrowAsync<ArgumentException>();
        await h.Memory.Invoking(m => m.QueryEmbeddingsAsync(new float[] { 1, 0, 0 }, 0).AsTask()).Should().ThrowAsync<ArgumentOutOfRangeException>();
        await h.Memory.Invoking(m => m.IndexEmbeddingAsync("x", ReadOnlyMemory<float>.Empty).AsTask()).Should().ThrowAsync<ArgumentException>();
    }
}
