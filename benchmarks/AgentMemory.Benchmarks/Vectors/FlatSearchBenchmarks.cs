using System.Numerics.Tensors;
using AgentMemory.Vectors;
using BenchmarkDotNet.Attributes;

namespace AgentMemory.Benchmarks.Vectors;

/// <summary>
/// Flat (exact) top-10 search over 100k x 384 float32 vectors (153.6 MB), one thread: how close does the SIMD scan get
/// to the memory-bandwidth floor (<see cref="TensorPrimitives.Sum(ReadOnlySpan{float})"/> over the same bytes), and how
/// much faster is it than a naive scalar loop? Batched: eight queries in one pass, time per query.
/// </summary>
[MemoryDiagnoser]
public class FlatSearchBenchmarks
{
    private const int Count = 100_000;
    private const int Dims = 384;
    private const int K = 10;
    private const int BatchSize = 8;
    private FlatVectorIndex _index = null!;
    private float[] _query = null!;
    private ReadOnlyMemory<float>[] _batch = null!;
    private string[] _ids = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _index = new FlatVectorIndex(Dims, VectorMetric.DotProduct, new FlatVectorIndexOptions { InitialCapacity = Count, ParallelThreshold = int.MaxValue });
        _ids = new string[Count];
        var vector = new float[Dims];
        for (var i = 0; i < Count; i++)
        {
            for (var d = 0; d < Dims; d++)
            {
                vector[d] = (float)((random.NextDouble() * 2) - 1);
            }

            _ids[i] = $"v{i}";
            _index.Add(_ids[i], vector);
        }

        _query = [.. Enumerable.Range(0, Dims).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        _batch = [.. Enumerable.Range(0, BatchSize).Select(_ => (ReadOnlyMemory<float>)Enumerable.Range(0, Dims).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray())];
    }

    [GlobalCleanup]
    public void Cleanup() => _index.Dispose();

    /// <summary>The floor: one SIMD pass summing every stored float, the least work that touches all the bytes.</summary>
    [Benchmark(Baseline = true)]
    public float BandwidthFloor() => TensorPrimitives.Sum(_index.RawStorage.Span);

    /// <summary>A naive scan a user might write: scalar dot products and a sorted list for the top 10.</summary>
    [Benchmark]
    public string NaiveLoop()
    {
        var data = _index.RawStorage.Span;
        var top = new List<(float Score, int Row)>(K + 1);
        for (var row = 0; row < Count; row++)
        {
            float dot = 0;
            var offset = row * Dims;
            for (var d = 0; d < Dims; d++)
            {
                dot += _query[d] * data[offset + d];
            }

            if (top.Count < K || dot > top[^1].Score)
            {
                var at = top.FindIndex(t => t.Score < dot);
                top.Insert(at < 0 ? top.Count : at, (dot, row));
                if (top.Count > K)
                {
                    top.RemoveAt(K);
                }
            }
        }

        return _ids[top[0].Row];
    }

    [Benchmark]
    public string FlatSearch() => _index.Search(_query, K)[0].Id;

    [Benchmark(OperationsPerInvoke = BatchSize)]
    public string FlatSearchBatched() => _index.SearchBatch(_batch, K)[0][0].Id;
}
