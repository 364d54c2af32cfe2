using System.Numerics.Tensors;
using AgentMemory.Semantic;
using CsCheck;
using Microsoft.Extensions.AI;

namespace AgentMemory.Tests.Semantic;

public sealed class HashingEmbeddingGeneratorTests
{
    [Fact]
    public void Embed_IsDeterministicUnitLength()
    {
        var embedder = new HashingEmbeddingGenerator(128);
        Gen.String.Sample(text =>
        {
            var a = embedder.Embed(text);
            a.Should().HaveCount(128);
            a.Should().Equal(embedder.Embed(text));
            TensorPrimitives.Norm(a).Should().BeApproximately(1f, 1e-5f);
            a.Should().OnlyContain(x => float.IsFinite(x));
        }, iter: 200);
    }

    [Fact]
    public void Embed_SimilarTextsAreCloserThanUnrelatedOnes()
    {
        var embedder = new HashingEmbeddingGenerator();
        var query = embedder.Embed("where does the user live");
        var related = embedder.Embed("User lives in Lisbon");
        var unrelated = embedder.Embed("quarterly revenue grew by ten percent");
        TensorPrimitives.CosineSimilarity(query, related).Should().BeGreaterThan(TensorPrimitives.CosineSimilarity(query, unrelated) + 0.2f);
        TensorPrimitives.CosineSimilarity(embedder.Embed("Dark mode please"), embedder.Embed("dark MODE, please!")).Should().BeApproximately(1f, 1e-5f);
    }

    [Fact]
    public async Task GenerateAsync_ReportsMetadataAndModel()
    {
        using var embedder = new HashingEmbeddingGenerator(64);
        var generated = await embedder.GenerateAsync(["a b c", "?!"]);
        generated.Should().HaveCount(2);
        generated[0].ModelId.Should().Be(HashingEmbeddingGenerator.ModelId);
        generated[1].Vector.Length.Should().Be(64);
        var metadata = embedder.GetService(typeof(EmbeddingGeneratorMetadata)).Should().BeOfType<EmbeddingGeneratorMetadata>().Subject;
        metadata.DefaultModelDimensions.Should().Be(64);
        FluentActions.Invoking(() => new HashingEmbeddingGenerator(8)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
