using AgentMemory.Persistence;
using AgentMemory.PostgreSql;
using AgentMemory.PostgreSql.LongTerm;
using AgentMemory.Storage;
using AgentMemory.Tiers;
using BenchmarkDotNet.Attributes;
using Npgsql;
using NpgsqlTypes;

namespace AgentMemory.Benchmarks.PostgreSql;

/// <summary>
/// A read that misses the hot tier and hits the PostgreSQL long-term tier: 4,096 keys cycled through a hot tier of 16
/// entries, so (almost) every read is a long-term hit plus its promotion, against raw Npgsql reading the same row by key
/// with the same parameterized statement, unprepared like the tier's (the floor: one round trip).
/// </summary>
[MemoryDiagnoser]
public class PostgreSqlReadThroughBenchmarks
{
    private const int Keys = 4_096;
    private readonly string[] _keys = Enumerable.Range(0, Keys).Select(i => $"doc:{i:D6}").ToArray();
    private BenchmarkPostgres _server = null!;
    private TieredMemoryStore _store = null!;
    private NpgsqlDataSource _raw = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _server = BenchmarkPostgres.Start();
        var options = new PostgreSqlMemoryOptions { ConnectionString = _server.ConnectionString, Schema = "bench_read" };
        var value = new byte[200];
        new Random(7).NextBytes(value);
        using (var loader = TieredMemoryStore.Open(PostgreSqlLongTermStore.Open(options), new TieredStoreOptions()))
        {
            loader.ExecuteBatchAsync(_keys.Select(k => MemoryBatchOperation.Store(k, value))).AsTask().GetAwaiter().GetResult();
        }

        _store = TieredMemoryStore.Open(PostgreSqlLongTermStore.Open(options), new TieredStoreOptions(), new HotTierOptions { MaxEntries = 16 });
        _raw = NpgsqlDataSource.Create(_server.ConnectionString);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        _raw.Dispose();
        _server.Dispose();
    }

    [Benchmark(Baseline = true)]
    public byte[]? RawNpgsqlSelectByKey()
    {
        using var connection = _raw.OpenConnection();
        using var command = new NpgsqlCommand("SELECT payload FROM bench_read.long_term_entries WHERE key = @key AND expires > @now", connection);
        command.Parameters.Add(new NpgsqlParameter<string>("key", NpgsqlDbType.Text) { TypedValue = NextKey() });
        command.Parameters.Add(new NpgsqlParameter<long>("now", NpgsqlDbType.Bigint) { TypedValue = DateTimeOffset.UtcNow.UtcTicks });
        return command.ExecuteScalar() as byte[];
    }

    [Benchmark]
    public int TieredLongTermHit() => _store.RetrieveRawAsync(NextKey()).AsTask().GetAwaiter().GetResult() is { } hit ? hit.Length : -1;

    private string NextKey() => _keys[_next++ & (Keys - 1)];
}
