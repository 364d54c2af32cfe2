using AgentMemory.Search;
using BenchmarkDotNet.Attributes;

namespace AgentMemory.Benchmarks.Search;

/// <summary>
/// Keyword search over 100k short documents (12 words each from a Zipf-like 20k-word vocabulary), top 10 for a
/// three-word query: the BM25 inverted index against a naive scan that tokenizes nothing and counts substring hits.
/// </summary>
[MemoryDiagnoser]
public class Bm25Benchmarks
{
    private const int Count = 100_000;
    private Bm25Index _index = null!;
    private Bm25Index _unpruned = null!;
    private string[] _documents = null!;
    private string _query = null!;
    private string[] _queryWords = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        var vocabulary = Enumerable.Range(0, 20_000).Select(i => $"w{i:x}").ToArray();
        string Word() => vocabulary[(int)(vocabulary.Length * Math.Pow(random.NextDouble(), 3))];
        _documents = new string[Count];
        _index = new Bm25Index();
        _unpruned = new Bm25Index { Pruning = false };
        for (var i = 0; i < Count; i++)
        {
            _documents[i] = string.Join(' ', Enumerable.Range(0, 12).Select(_ => Word()));
            _index.Upsert($"d{i}", _documents[i]);
            _unpruned.Upsert($"d{i}", _documents[i]);
        }

        _queryWords = [vocabulary[40], vocabulary[900], vocabulary[5000]];
        _query = string.Join(' ', _queryWords);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _index.Dispose();
        _unpruned.Dispose();
    }

    [Benchmark(Baseline = true)]
    public int NaiveScan()
    {
        var best = -1;
        var bestHits = 0;
        for (var i = 0; i < _documents.Length; i++)
        {
            var hits = 0;
            foreach (var word in _queryWords)
            {
                hits += _documents[i].Contains(word, StringComparison.Ordinal) ? 1 : 0;
            }

            if (hits > bestHits)
            {
                (best, bestHits) = (i, hits);
            }
        }

        return best;
    }

    [Benchmark]
    public string Bm25Search() => _index.Search(_query, 10)[0].Id;

    /// <summary>The same search without MaxScore pruning: every posting of every query term is scored.</summary>
    [Benchmark]
    public string Bm25SearchWithoutPruning() => _unpruned.Search(_query, 10)[0].Id;
}
