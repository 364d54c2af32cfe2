using AgentMemory.Persistence;
using AgentMemory.Storage;
using AgentMemory.Tiers;
using BenchmarkDotNet.Attributes;

namespace AgentMemory.Benchmarks.Tiers;

/// <summary>
/// Read-through: how long does a read that misses the hot tier and hits the long-term tier take (lookup, promotion
/// into the hot tier, eviction of another entry), against a raw prepared SQLite <c>SELECT</c> by key, and against a
/// hot hit of the same store for scale? 10,000 rows of 100 bytes; the hot tier holds 16 entries, so every read of the
/// cycling keys goes to SQLite.
/// </summary>
[MemoryDiagnoser]
public class ReadThroughBenchmarks
{
    private const int Rows = 10_000;
    private const int Batch = 1_000;
    private readonly string[] _keys = Enumerable.Range(0, Rows).Select(i => $"user:{i:D6}:profile").ToArray();
    private BenchmarkDirectory _directory = null!;
    private RawSqlite _raw = null!;
    private TieredMemoryStore _store = null!;
    private int _cursor;

    [GlobalSetup]
    public void Setup()
    {
        var values = _keys.Select(_ => new byte[100]).ToArray();
        _directory = new BenchmarkDirectory();
        _raw = new RawSqlite(_directory.File("raw.db"));
        _raw.InsertAll(_keys, values);
        _store = TieredMemoryStore.Open(new SqlitePersistenceOptions { Path = _directory.File("tiered.db") }, new HotTierOptions { MaxEntries = 16 });
        _store.ExecuteBatchAsync(_keys.Select((key, i) => MemoryBatchOperation.Store(key, values[i]))).AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _raw.Dispose();
        _store.Dispose();
        _directory.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public int RawSqliteSelect()
    {
        var sum = 0;
        for (var i = 0; i < Batch; i++)
        {
            sum += _raw.Get(NextKey())!.Length;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int LongTermHit()
    {
        var sum = 0;
        for (var i = 0; i < Batch; i++)
        {
            sum += _store.RetrieveRawAsync(NextKey()).AsTask().GetAwaiter().GetResult()!.Value.Length;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int HotHit()
    {
        var sum = 0;
        for (var i = 0; i < Batch; i++)
        {
            sum += _store.RetrieveRawAsync(_keys[i & 7]).AsTask().GetAwaiter().GetResult()!.Value.Length;
        }

        return sum;
    }

    private string NextKey()
    {
        var key = _keys[_cursor];
        _cursor = (_cursor + 7919) % Rows;
        return key;
    }
}
