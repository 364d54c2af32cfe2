using AgentMemory.Benchmarks.Tiers;
using AgentMemory.Persistence;
using AgentMemory.Storage;
using AgentMemory.Streaming;
using AgentMemory.Tiers;
using BenchmarkDotNet.Attributes;

namespace AgentMemory.Benchmarks.Streaming;

/// <summary>
/// What does keeping the change log in SQLite cost a writer of a tiered store? Overwrites of 100-byte values
/// (1,000 per invocation over 10,000 keys, write-behind durability so the store's own commits are batched too) on a
/// tiered store with no change feed (the baseline), with the in-memory 10,000-change log, and with the durable log
/// (buffered, committed in batches of 512 on the thread pool, one reservation write per 1,024 changes).
/// </summary>
[MemoryDiagnoser]
public class DurableChangeLogBenchmarks
{
    private const int Batch = 1000;
    private const int Keys = 10_000;
    private readonly string[] _keys = Enumerable.Range(0, Keys).Select(i => $"user:{i:D6}").ToArray();
    private readonly byte[] _value = new byte[100];
    private BenchmarkDirectory _directory = null!;
    private TieredMemoryStore _store = null!;
    private IMemoryStreaming? _streaming;
    private int _cursor;

    [GlobalSetup(Target = nameof(NoFeed))]
    public void SetupNoFeed() => Open(null);

    [GlobalSetup(Target = nameof(InMemoryLog))]
    public void SetupInMemoryLog() => Open(new MemoryStreamingOptions { RetainedChanges = 10_000, PersistChangeLog = false });

    [GlobalSetup(Target = nameof(DurableLog))]
    public void SetupDurableLog() => Open(new MemoryStreamingOptions { RetainedChanges = 10_000 });

    [GlobalCleanup]
    public void Cleanup()
    {
        (_streaming as IDisposable)?.Dispose();
        _store.Dispose();
        _directory.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public Task NoFeed() => Write();

    [Benchmark(OperationsPerInvoke = Batch)]
    public Task InMemoryLog() => Write();

    [Benchmark(OperationsPerInvoke = Batch)]
    public Task DurableLog() => Write();

    private void Open(MemoryStreamingOptions? streaming)
    {
        _directory = new BenchmarkDirectory();
        _store = TieredMemoryStore.Open(
            new SqlitePersistenceOptions { Path = _directory.File("m.db"), Durability = DurabilityMode.WriteBehind },
            new HotTierOptions { MaxEntries = 2 * Keys });
        if (streaming is not null)
        {
            _streaming = MemoryStreamingFactory.Create(_store, streaming);
        }
    }

    private async Task Write()
    {
        for (var i = 0; i < Batch; i++)
        {
            await _store.StoreRawAsync(_keys[_cursor], _value);
            _cursor = (_cursor + 1) % Keys;
        }
    }
}
