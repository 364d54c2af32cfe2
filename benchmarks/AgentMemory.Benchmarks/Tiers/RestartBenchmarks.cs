using AgentMemory.Persistence;
using AgentMemory.Tiers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace AgentMemory.Benchmarks.Tiers;

/// <summary>
/// Restart: how long does it take to open a tiered store over 1,000,000 entries and serve the first read, with and
/// without the integrity check on open, against opening the same-size raw SQLite table and reading one row?
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class RestartBenchmarks
{
    private const int Entries = 1_000_000;
    private BenchmarkDirectory _directory = null!;
    private string _tieredPath = null!;
    private string _rawPath = null!;

    [Params(false, true)]
    public bool VerifyOnOpen { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = new BenchmarkDirectory();
        _tieredPath = _directory.File("tiered.db");
        _rawPath = _directory.File("raw.db");
        var keys = Enumerable.Range(0, Entries).Select(i => $"user:{i:D7}:profile").ToArray();
        var values = keys.Select(_ => new byte[100]).ToArray();
        using (var raw = new RawSqlite(_rawPath))
        {
            raw.InsertAll(keys, values);
        }

        using var store = TieredMemoryStore.Open(new SqlitePersistenceOptions { Path = _tieredPath, Durability = DurabilityMode.WriteBehind, WriteBehindBatchSize = 50_000 }, new AgentMemory.Storage.HotTierOptions { MaxEntries = 1000 });
        for (var i = 0; i < keys.Length; i++)
        {
            store.StoreRawAsync(keys[i], values[i]).AsTask().GetAwaiter().GetResult();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _directory.Dispose();

    [Benchmark(Baseline = true)]
    public int RawSqliteOpenAndRead()
    {
        using var raw = new RawSqlite(_rawPath);
        return raw.Get("user:0500000:profile")!.Length;
    }

    [Benchmark]
    public int TieredOpenAndRead()
    {
        using var store = TieredMemoryStore.Open(new SqlitePersistenceOptions { Path = _tieredPath, VerifyOnOpen = VerifyOnOpen });
        return store.RetrieveRawAsync("user:0500000:profile").AsTask().GetAwaiter().GetResult()!.Value.Length;
    }
}
