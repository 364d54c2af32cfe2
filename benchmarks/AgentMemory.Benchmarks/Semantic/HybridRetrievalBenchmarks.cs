using AgentMemory.Semantic;
using AgentMemory.Storage;
using AgentMemory.Vectors;
using BenchmarkDotNet.Attributes;

namespace AgentMemory.Benchmarks.Semantic;

/// <summary>
/// Hybrid retrieval (vector + BM25, scored by relevance, recency and importance) over 10k memories of one user among
/// 20k, excluding embedding time (the embedder serves precomputed vectors). Baseline: a bare flat vector search over
/// the same 10k vectors, the floor of any vector retrieval. Per-call p50/p95 come from <see cref="LatencyProbe"/>.
/// </summary>
[MemoryDiagnoser]
public class HybridRetrievalBenchmarks
{
    private HybridFixture _fixture = null!;
    private FlatVectorIndex _bare = null!;
    private int _cursor;

    [GlobalSetup]
    public void Setup()
    {
        _fixture = HybridFixture.Create();
        _bare = new FlatVectorIndex(_fixture.Dimensions);
        foreach (var (id, vector) in _fixture.UserVectors)
        {
            _bare.Add(id, vector);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _bare.Dispose();
        _fixture.Dispose();
    }

    [Benchmark(Baseline = true)]
    public string BareVectorSearch() => _bare.Search(_fixture.QueryVector(_cursor++), 10)[0].Id;

    [Benchmark]
    public async Task<string> HybridRetrieve() =>
        (await _fixture.Memory.RetrieveAsync(_fixture.Query(_cursor++, updateAccess: false)))[0].Memory.Id;

    [Benchmark]
    public async Task<string> HybridRetrieveWithAccessUpdate() =>
        (await _fixture.Memory.RetrieveAsync(_fixture.Query(_cursor++, updateAccess: true)))[0].Memory.Id;
}
