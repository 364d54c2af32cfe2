using System.Numerics.Tensors;
using AgentMemory.AgentFramework;
using AgentMemory.Locks;
using AgentMemory.Persistence;
using AgentMemory.Tiers;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.AgentFramework;

/// <summary>The facade's embeddings on the flat vector index: exact results, validation, and survival across a restart.</summary>
public sealed class AgentMemoryFacadeVectorTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Embeddings_SurviveARestart_OfADurableStore()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var path = _directory.File("facade.db");
        await using (var store = TieredMemoryStore.Open(new SqlitePersistenceOptions { Path = path }, null, time))
        using (var locks = new MemoryStoreLockProvider(store, store, timeProvider: time))
        using (var memory = new AgentMemoryFacade(store, store, locks, null, null, time))
        {
            await memory.IndexEmbeddingAsync("east", new float[] { 1, 0, 0 }, new Dictionary<string, MetadataValue> { ["type"] = "doc" });
            await memory.IndexEmbeddingAsync("north", new float[] { 0, 1, 0 }, new Dictionary<string, MetadataValue> { ["type"] = "note" });
            await memory.IndexEmbeddingAsync("gone", new float[] { 1, 1, 0 });
            (await memory.DeleteEmbeddingAsync("gone")).Should().BeTrue();
        }

        await using (var store = TieredMemoryStore.Open(new SqlitePersistenceOptions { Path = path }, null, time))
        using (var locks = new MemoryStoreLockProvider(store, store, timeProvider: time))
        using (var memory = new AgentMemoryFacade(store, store, locks, null, null, time))
        {
            var matches = await memory.QueryEmbeddingsAsync(new float[] { 1, 0.2f, 0 });
            matches.Select(m => m.Id).Should().Equal("east", "north");
            matches[0].Metadata["type"].Should().Be((MetadataValue)"doc");
            (await memory.QueryEmbeddingsAsync(new float[] { 1, 0, 0 }, 10, new Dictionary<string, MetadataValue> { ["type"] = "note" }))
                .Should().ContainSingle().Which.Id.Should().Be("north");
            (await memory.GetStatisticsAsync()).Embeddings.Should().Be(2);
        }
    }

    [Fact]
    public async Task NewFacade_OverTheSameStore_LoadsTheEmbeddings()
    {
        using var h = new FacadeHarness();
        await h.Memory.IndexEmbeddingAsync("a", new float[] { 1, 0 });
        await h.Memory.IndexEmbeddingAsync("b", new float[] { 0, 1 });

        using var reopened = h.Reopen();

        (await reopened.QueryEmbeddingsAsync(new float[] { 0.1f, 1 }, 1)).Single().Id.Should().Be("b");
    }

    [Fact]
    public async Task Query_EqualsABruteForceCosineRanking()
    {
        using var h = new FacadeHarness();
        var random = new Random(1234);
        var vectors = new Dictionary<string, float[]>();
        for (var i = 0; i < 300; i++)
        {
            var vector = Enumerable.Range(0, 16).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            vectors[$"v{i}"] = vector;
            await h.Memory.IndexEmbeddingAsync($"v{i}", vector, new Dictionary<string, MetadataValue> { ["even"] = i % 2 == 0 });
        }

        for (var q = 0; q < 20; q++)
        {
            var query = Enumerable.Range(0, 16).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var expected = vectors.Where(p => int.Parse(p.Key[1..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 0)
                .Select(p => (p.Key, Score: TensorPrimitives.CosineSimilarity(query, p.Value)))
                .OrderByDescending(p => p.Score).ThenBy(p => p.Key, StringComparer.Ordinal).Take(5).ToList();

            var matches = await h.Memory.QueryEmbeddingsAsync(query, 5, new Dictionary<string, MetadataValue> { ["even"] = true });

            matches.Select(m => m.Id).Should().Equal(expected.Select(e => e.Key));
            matches.Select(m => m.Score).Should().Equal(expected.Select(e => e.Score), (a, b) => Math.Abs(a - b) < 1e-5f);
        }
    }

    [Fact]
    public async Task ReindexingAnId_WithAnotherDimension_MovesIt()
    {
        using var h = new FacadeHarness();
        await h.Memory.IndexEmbeddingAsync("a", new float[] { 1, 0 });
        await h.Memory.IndexEmbeddingAsync("a", new float[] { 1, 0, 0 });

        (await h.Memory.QueryEmbeddingsAsync(new float[] { 1, 0 })).Should().BeEmpty();
        (await h.Memory.QueryEmbeddingsAsync(new float[] { 1, 0, 0 })).Should().ContainSingle();
        (await h.Memory.GetStatisticsAsync()).Embeddings.Should().Be(1);
    }

    [Fact]
    public async Task ZeroOrNonFiniteVectors_AreRejected()
    {
        using var h = new FacadeHarness();

        await h.Memory.Invoking(m => m.IndexEmbeddingAsync("z", new float[] { 0, 0 }).AsTask()).Should().ThrowAsync<ArgumentException>().WithMessage("*zero vector*");
        await h.Memory.Invoking(m => m.IndexEmbeddingAsync("n", new float[] { float.NaN, 1 }).AsTask()).Should().ThrowAsync<ArgumentException>().WithMessage("*finite*");
        await h.Memory.Invoking(m => m.QueryEmbeddingsAsync(new float[] { 0, 0 }).AsTask()).Should().ThrowAsync<ArgumentException>();
        (await h.Memory.GetStatisticsAsync()).Embeddings.Should().Be(0);
    }

    [Fact]
    public async Task ConcurrentUpserts_LeaveIndexAndStoreInAgreement()
    {
        using var h = new FacadeHarness();
        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
            await h.Memory.IndexEmbeddingAsync($"k{i % 10}", new float[] { MathF.Cos(i), MathF.Sin(i) }))));

        using var reopened = h.Reopen();
        foreach (var id in Enumerable.Range(0, 10).Select(i => $"k{i}"))
        {
            var stored = await h.Store.RetrieveAsync<float[]>("af:emb:" + id);
            var live = (await h.Memory.QueryEmbeddingsAsync(stored!, 10)).Single(m => m.Id == id);
            live.Score.Should().BeApproximately(1f, 1e-6f, "the index holds the vector the store holds for {0}", id);
        }

        (await reopened.GetStatisticsAsync()).Embeddings.Should().Be(10);
    }
}
