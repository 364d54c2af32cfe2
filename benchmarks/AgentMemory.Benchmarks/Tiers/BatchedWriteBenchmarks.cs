using AgentMemory.Persistence;
using AgentMemory.Storage;
using AgentMemory.Tiers;
using BenchmarkDotNet.Attributes;

namespace AgentMemory.Benchmarks.Tiers;

/// <summary>
/// Batched durable writes: how long does writing 10,000 rows of 100 bytes take through the tiered store, per row,
/// against raw Microsoft.Data.Sqlite inserting the same rows in one transaction (the floor)? Write-through goes through
/// <c>ExecuteBatchAsync</c> (one transaction per batch); write-behind stores one by one and then flushes.
/// </summary>
[MemoryDiagnoser]
public class BatchedWriteBenchmarks
{
    private const int Rows = 10_000;
    private readonly string[] _keys = Enumerable.Range(0, Rows).Select(i => $"user:{i:D6}:profile").ToArray();
    private byte[][] _values = null!;
    private MemoryBatchOperation[] _batch = null!;
    private BenchmarkDirectory _directory = null!;
    private RawSqlite _raw = null!;
    private RawSqlite _rawUpsert = null!;
    private TieredMemoryStore _writeThrough = null!;
    private TieredMemoryStore _writeBehind = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _values = _keys.Select(_ =>
        {
            var value = new byte[100];
            random.NextBytes(value);
            return value;
        }).ToArray();
        _batch = _keys.Select((key, i) => MemoryBatchOperation.Store(key, _values[i])).ToArray();
        _directory = new BenchmarkDirectory();
        _raw = new RawSqlite(_directory.File("raw.db"));
        _rawUpsert = new RawSqlite(_directory.File("raw-upsert.db"));
        var hot = new HotTierOptions { MaxEntries = 2 * Rows };
        _writeThrough = TieredMemoryStore.Open(new SqlitePersistenceOptions { Path = _directory.File("through.db"), Durability = DurabilityMode.WriteThrough }, hot);
        _writeBehind = TieredMemoryStore.Open(new SqlitePersistenceOptions { Path = _directory.File("behind.db"), Durability = DurabilityMode.WriteBehind, WriteBehindBatchSize = Rows }, hot);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _raw.Dispose();
        _rawUpsert.Dispose();
        _writeThrough.Dispose();
        _writeBehind.Dispose();
        _directory.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Rows)]
    public void RawSqliteOneTransaction() => _raw.InsertAll(_keys, _values);

    /// <summary>The floor again, with the long-term tier's statement (rewrite in place) instead of INSERT OR REPLACE: what the tier's own code costs on top of the same SQL.</summary>
    [Benchmark(OperationsPerInvoke = Rows)]
    public void RawSqliteUpsertOneTransaction() => _rawUpsert.InsertAll(_keys, _values, upsert: true);

    [Benchmark(OperationsPerInvoke = Rows)]
    public void WriteThroughBatch() => _writeThrough.ExecuteBatchAsync(_batch).AsTask().GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = Rows)]
    public void WriteBehindThenFlush()
    {
        for (var i = 0; i < _keys.Length; i++)
        {
            _writeBehind.StoreRawAsync(_keys[i], _values[i]).AsTask().GetAwaiter().GetResult();
        }

        _writeBehind.FlushAsync().AsTask().GetAwaiter().GetResult();
    }
}
