using BenchmarkDotNet.Attributes;

namespace AgentMemory.Benchmarks.Semantic;

/// <summary>
/// What the retrieval caches save: hybrid retrieval over 10k memories of one user among 20k, cycling through 64
/// distinct queries, embedding included (the built-in hashing embedder runs at call time). Baseline: the same
/// semantic memory with both caches off. Two further cases write one memory's importance before each retrieval: the
/// other tenant's (which invalidates nothing the query can see) and the querying user's own (which invalidates it,
/// so every retrieval recomputes its candidates).
/// </summary>
[MemoryDiagnoser]
public class RetrievalCacheBenchmarks
{
    private HybridFixture _uncached = null!;
    private HybridFixture _cached = null!;
    private int _cursor;
    private bool _flip;

    [GlobalSetup]
    public void Setup()
    {
        _uncached = HybridFixture.Create(realEmbedder: true);
        _cached = HybridFixture.Create(configure: o => { o.Cache.ResultCapacity = 1000; o.Cache.EmbeddingCapacity = 1000; o.Cache.Ttl = TimeSpan.FromHours(1); }, realEmbedder: true);
        for (var i = 0; i < 64; i++)
        {
            _cached.Memory.RetrieveAsync(_cached.Query(i, updateAccess: false)).AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Alternates, so that every write really changes the memory (an unchanged importance invalidates nothing).</summary>
    private double NextImportance() => (_flip = !_flip) ? 0.3 : 0.7;

    [GlobalCleanup]
    public void Cleanup()
    {
        _uncached.Dispose();
        _cached.Dispose();
    }

    [Benchmark(Baseline = true)]
    public async Task<string> Uncached() =>
        (await _uncached.Memory.RetrieveAsync(_uncached.Query(_cursor++, updateAccess: false)))[0].Memory.Id;

    [Benchmark]
    public async Task<string> CachedHit() =>
        (await _cached.Memory.RetrieveAsync(_cached.Query(_cursor++, updateAccess: false)))[0].Memory.Id;

    [Benchmark]
    public async Task<string> CachedAfterOtherTenantsWrite()
    {
        var i = _cursor++;
        await _cached.Memory.UpdateAsync(_cached.OtherIds[0], HybridFixture.OtherUser, new MemoryUpdate { Importance = NextImportance() });
        return (await _cached.Memory.RetrieveAsync(_cached.Query(i, updateAccess: false)))[0].Memory.Id;
    }

    [Benchmark]
    public async Task<string> CachedAfterOwnWrite()
    {
        var i = _cursor++;
        await _cached.Memory.UpdateAsync(_cached.UserVectors[0].Id, HybridFixture.User, new MemoryUpdate { Importance = NextImportance() });
        return (await _cached.Memory.RetrieveAsync(_cached.Query(i, updateAccess: false)))[0].Memory.Id;
    }

    [Benchmark]
    public async Task<string> UncachedAfterOwnWrite()
    {
        var i = _cursor++;
        await _uncached.Memory.UpdateAsync(_uncached.UserVectors[0].Id, HybridFixture.User, new MemoryUpdate { Importance = NextImportance() });
        return (await _uncached.Memory.RetrieveAsync(_uncached.Query(i, updateAccess: false)))[0].Memory.Id;
    }
}
