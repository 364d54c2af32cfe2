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
/// Batched durable writes to PostgreSQL: 1,000 rows of 100 bytes per batch through the tiered store in write-through
/// mode (<c>ExecuteBatchAsync</c>: one transaction, one round trip), per row, against raw Npgsql upserting the same rows
/// into a table of the same shape and indexes, all 12 columns as arrays, with one multi-row <c>INSERT ... SELECT FROM unnest(...) ON CONFLICT DO UPDATE</c> (the
/// floor: what the tier's SQL costs without the tier).
/// </summary>
[MemoryDiagnoser]
public class PostgreSqlBatchedWriteBenchmarks
{
    private const int Rows = 1_000;
    private readonly string[] _keys = Enumerable.Range(0, Rows).Select(i => $"user:{i:D6}:profile").ToArray();
    private byte[][] _values = null!;
    private MemoryBatchOperation[] _batch = null!;
    private BenchmarkPostgres _server = null!;
    private NpgsqlDataSource _raw = null!;
    private TieredMemoryStore _writeThrough = null!;
    private long _tick;

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
        _server = BenchmarkPostgres.Start();
        _writeThrough = TieredMemoryStore.Open(
            PostgreSqlLongTermStore.Open(new PostgreSqlMemoryOptions { ConnectionString = _server.ConnectionString, Schema = "bench_tier" }),
            new TieredStoreOptions { Durability = DurabilityMode.WriteThrough },
            new HotTierOptions { MaxEntries = 2 * Rows });
        _raw = NpgsqlDataSource.Create(_server.ConnectionString);
        using var create = _raw.CreateCommand("""
            CREATE TABLE IF NOT EXISTS raw_entries (key text COLLATE "C" PRIMARY KEY, kind smallint NOT NULL, payload bytea NOT NULL, compressed boolean NOT NULL,
                metadata jsonb, metadata_raw bytea, priority smallint NOT NULL, created bigint NOT NULL, updated bigint NOT NULL, last_access bigint NOT NULL,
                expires bigint NOT NULL, access_count bigint NOT NULL);
            CREATE INDEX IF NOT EXISTS raw_entries_metadata ON raw_entries USING gin (metadata jsonb_path_ops);
            CREATE INDEX IF NOT EXISTS raw_entries_expires ON raw_entries (expires) WHERE expires < 9223372036854775807
            """);
        create.ExecuteNonQuery();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _writeThrough.Dispose();
        _raw.Dispose();
        _server.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Rows)]
    public int RawNpgsqlUnnestUpsert()
    {
        var now = ++_tick;
        var times = Enumerable.Repeat(now, Rows).ToArray();
        using var command = _raw.CreateCommand("""
            INSERT INTO raw_entries (key, kind, payload, compressed, metadata, metadata_raw, priority, created, updated, last_access, expires, access_count)
            SELECT * FROM unnest(@key, @kind, @payload, @compressed, @metadata, @metadata_raw, @priority, @created, @updated, @last_access, @expires, @access_count)
            ON CONFLICT (key) DO UPDATE SET kind = EXCLUDED.kind, payload = EXCLUDED.payload, compressed = EXCLUDED.compressed, metadata = EXCLUDED.metadata,
                metadata_raw = EXCLUDED.metadata_raw, priority = EXCLUDED.priority, created = EXCLUDED.created, updated = EXCLUDED.updated,
                last_access = EXCLUDED.last_access, expires = EXCLUDED.expires, access_count = EXCLUDED.access_count
            """);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<string[]>("key", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = _keys });
        p.Add(new NpgsqlParameter<short[]>("kind", NpgsqlDbType.Array | NpgsqlDbType.Smallint) { TypedValue = new short[Rows] });
        p.Add(new NpgsqlParameter<byte[][]>("payload", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = _values });
        p.Add(new NpgsqlParameter<bool[]>("compressed", NpgsqlDbType.Array | NpgsqlDbType.Boolean) { TypedValue = new bool[Rows] });
        p.Add(new NpgsqlParameter<string?[]>("metadata", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { TypedValue = new string?[Rows] });
        p.Add(new NpgsqlParameter<byte[]?[]>("metadata_raw", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = new byte[]?[Rows] });
        p.Add(new NpgsqlParameter<short[]>("priority", NpgsqlDbType.Array | NpgsqlDbType.Smallint) { TypedValue = Enumerable.Repeat((short)1, Rows).ToArray() });
        p.Add(new NpgsqlParameter<long[]>("created", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = times });
        p.Add(new NpgsqlParameter<long[]>("updated", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = times });
        p.Add(new NpgsqlParameter<long[]>("last_access", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = times });
        p.Add(new NpgsqlParameter<long[]>("expires", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = Enumerable.Repeat(long.MaxValue, Rows).ToArray() });
        p.Add(new NpgsqlParameter<long[]>("access_count", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = new long[Rows] });
        return command.ExecuteNonQuery();
    }

    [Benchmark(OperationsPerInvoke = Rows)]
    public MemoryBatchResult TieredWriteThroughBatch() => _writeThrough.ExecuteBatchAsync(_batch).AsTask().GetAwaiter().GetResult();
}
