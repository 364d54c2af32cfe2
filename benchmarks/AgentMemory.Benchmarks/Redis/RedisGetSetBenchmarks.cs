using AgentMemory.Redis;
using AgentMemory.Redis.Storage;
using AgentMemory.Storage;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using StackExchange.Redis;

namespace AgentMemory.Benchmarks.Redis;

/// <summary>
/// The overhead of the Redis store over raw StackExchange.Redis: one awaited get or set of the same 100 serialized
/// bytes through <see cref="RedisMemoryStore"/> (one EVALSHA round trip that also checks kind and expiry) against
/// StringGet / StringSet on the same connection (the baseline), with the in-process store for scale. Starts its own
/// redis-server on loopback.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class RedisGetSetBenchmarks
{
    private const string Key = "bench:key";
    private readonly byte[] _value = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
    private BenchmarkRedisServer? _server;
    private ConnectionMultiplexer? _connection;
    private IDatabase? _database;
    private RedisMemoryStore? _store;
    private InMemoryStore? _memory;

    [GlobalSetup]
    public void Setup()
    {
        _server = BenchmarkRedisServer.Start();
        _connection = ConnectionMultiplexer.Connect(_server.ConnectionString);
        _database = _connection.GetDatabase();
        _store = new RedisMemoryStore(_connection, new RedisMemoryOptions { KeyPrefix = "bench:" });
        _memory = new InMemoryStore();
        _database.StringSet("raw:" + Key, _value);
        _store.StoreRawAsync(Key, _value).AsTask().GetAwaiter().GetResult();
        _memory.StoreRawAsync(Key, _value).AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        // Server-side cost per call, measured by Redis itself (less disturbed by client scheduling than the timings).
        if (_server is not null)
        {
            using var admin = ConnectionMultiplexer.Connect(_server.ConnectionString + ",allowAdmin=true");
            foreach (var group in admin.GetServer(admin.GetEndPoints()[0]).Info("commandstats"))
            {
                foreach (var stat in group.Where(s => s.Key is "cmdstat_get" or "cmdstat_set" or "cmdstat_evalsha"))
                {
                    Console.WriteLine($"// redis {stat.Key}: {stat.Value}");
                }
            }
        }

        _store?.Dispose();
        _memory?.Dispose();
        _connection?.Dispose();
        _server?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Get: raw StringGetAsync")]
    [BenchmarkCategory("Get")]
    public async Task<int> GetRaw() => ((byte[]?)await _database!.StringGetAsync("raw:" + Key))!.Length;

    [Benchmark(Description = "Get: RedisMemoryStore.RetrieveRawAsync")]
    [BenchmarkCategory("Get")]
    public async Task<int> GetStore() => (await _store!.RetrieveRawAsync(Key))!.Value.Length;

    [Benchmark(Description = "Get: InMemoryStore.RetrieveRawAsync")]
    [BenchmarkCategory("Get")]
    public async Task<int> GetInProcess() => (await _memory!.RetrieveRawAsync(Key))!.Value.Length;

    [Benchmark(Baseline = true, Description = "Set: raw StringSetAsync")]
    [BenchmarkCategory("Set")]
    public Task<bool> SetRaw() => _database!.StringSetAsync("raw:" + Key, _value);

    [Benchmark(Description = "Set: RedisMemoryStore.StoreRawAsync")]
    [BenchmarkCategory("Set")]
    public async Task SetStore() => await _store!.StoreRawAsync(Key, _value);

    [Benchmark(Description = "Set: InMemoryStore.StoreRawAsync")]
    [BenchmarkCategory("Set")]
    public async Task SetInProcess() => await _memory!.StoreRawAsync(Key, _value);
}
