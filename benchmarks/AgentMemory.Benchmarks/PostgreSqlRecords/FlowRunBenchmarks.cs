using System.Text.Json;
using AgentMemory.PostgreSql.History;
using AgentMemory.PostgreSql.Records;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Npgsql;
using NpgsqlTypes;

namespace AgentMemory.Benchmarks.PostgreSqlRecords;

/// <summary>
/// PostgreSQL flow-run history: what does <see cref="PostgreSqlAgentHistoryStore"/> add over raw Npgsql doing the
/// same work — appending one run (per-flow counter and partitioned insert in one statement, JSON data) and reading a
/// flow's newest 10 runs?
/// </summary>
/// <remarks>
/// The peer runs the identical SQL on the same tables and the same <see cref="NpgsqlDataSource"/>, serializing with
/// the same System.Text.Json options: the difference is the store's validation, error mapping, retry wrapper and
/// record construction. Needs a PostgreSQL server: set <c>AGENTMEMORY_POSTGRES</c> to an Npgsql connection string
/// (each run uses a fresh schema).
/// </remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class FlowRunBenchmarks
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly RunPayload Payload = new("completed", 120, ["plan", "search", "answer"]);
    private NpgsqlDataSource _dataSource = null!;
    private PostgreSqlAgentHistoryStore _store = null!;
    private string _insertSql = null!;
    private string _selectSql = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var connectionString = Environment.GetEnvironmentVariable("AGENTMEMORY_POSTGRES")
            ?? throw new InvalidOperationException("Set AGENTMEMORY_POSTGRES to an Npgsql connection string to run the PostgreSQL benchmarks.");
        _dataSource = NpgsqlDataSource.Create(connectionString);
        var schema = "bench_" + Guid.NewGuid().ToString("N")[..12];
        _store = new PostgreSqlAgentHistoryStore(_dataSource, new PostgreSqlRecordsOptions { Schema = schema });
        for (var i = 0; i < 1000; i++)
        {
            await _store.WriteFlowRunAsync($"flow-{i % 10}", $"run-{i}", Payload);
        }

        _insertSql = $"""
            WITH head AS (
                INSERT INTO "{schema}".flow_heads AS h (flow_id, last_seq) VALUES (@flow, 1)
                ON CONFLICT (flow_id) DO UPDATE SET last_seq = h.last_seq + 1
                RETURNING last_seq)
            INSERT INTO "{schema}".flow_runs (flow_id, seq, run_id, written_at, data)
            SELECT @flow, last_seq, @run, @at, @data FROM head
            RETURNING seq
            """;
        _selectSql = $"""
            SELECT run_id, seq, written_at, data::text FROM "{schema}".flow_runs
            WHERE flow_id = @flow AND (@run::text IS NULL OR run_id = @run)
            ORDER BY seq DESC LIMIT @limit
            """;
    }

    [GlobalCleanup]
    public void Cleanup() => _dataSource.Dispose();

    [BenchmarkCategory("append"), Benchmark(Baseline = true)]
    public async Task<long> RawNpgsqlAppend()
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var insert = new NpgsqlCommand(_insertSql, connection);
        insert.Parameters.AddWithValue("flow", "flow-w");
        insert.Parameters.AddWithValue("run", "run");
        insert.Parameters.AddWithValue("at", DateTimeOffset.UtcNow);
        insert.Parameters.AddWithValue("data", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(Payload, Json));
        return (long)(await insert.ExecuteScalarAsync())!;
    }

    [BenchmarkCategory("append"), Benchmark]
    public async Task<long> HistoryStoreAppend() => (await _store.WriteFlowRunAsync("flow-w", "run", Payload)).Sequence;

    [BenchmarkCategory("read newest 10"), Benchmark(Baseline = true)]
    public async Task<int> RawNpgsqlReadNewest10()
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var read = new NpgsqlCommand(_selectSql, connection);
        read.Parameters.AddWithValue("flow", "flow-3");
        read.Parameters.Add(new NpgsqlParameter("run", NpgsqlDbType.Text) { Value = DBNull.Value });
        read.Parameters.AddWithValue("limit", 10);
        var result = new List<FlowRunRecord<RunPayload>>();
        await using var reader = await read.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(new FlowRunRecord<RunPayload>("flow-3", reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2), JsonSerializer.Deserialize<RunPayload>(reader.GetString(3), Json)!));
        }

        return result.Count;
    }

    [BenchmarkCategory("read newest 10"), Benchmark]
    public async Task<int> HistoryStoreReadNewest10() => (await _store.ReadFlowRunsAsync<RunPayload>("flow-3", limit: 10)).Count;

    /// <summary>A typical run record.</summary>
    public sealed record RunPayload(string Status, int DurationMs, string[] Steps);
}
