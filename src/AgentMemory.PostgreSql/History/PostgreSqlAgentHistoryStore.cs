using System.Text.Json;
using AgentMemory.PostgreSql.Records;
using AgentMemory.Serialization;
using AgentMemory.Storage;
using Npgsql;
using NpgsqlTypes;

namespace AgentMemory.PostgreSql.History;

/// <summary>
/// Flow-run history and task outputs in PostgreSQL (the seed's <c>flow_run_history</c> and <c>task_outputs</c>):
/// run data and outputs as <c>jsonb</c> (System.Text.Json) with GIN indexes, so SQL can query them; flow runs in a
/// table range-partitioned by month that retention trims by dropping whole partitions; task outputs with metadata and
/// a TTL.
/// </summary>
/// <remarks>
/// <para>
/// A flow's sequence numbers come from a per-flow counter row incremented in the same statement that inserts the
/// run, so writers in any number of processes get consecutive numbers without gaps or duplicates. Reads are newest
/// first by sequence number.
/// </para>
/// <para>
/// Time comes from the <see cref="TimeProvider"/> (stored at microsecond precision): an output past its expiry is
/// treated as absent and deleted when read, and <see cref="SweepExpiredTaskOutputsAsync"/> reclaims the rest. A fenced
/// write (<see cref="TaskOutputOptions.Fence"/>) is checked in the database: it is refused when a write with a newer
/// fencing token on the same resource has already been made, whichever process made it.
/// </para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed class PostgreSqlAgentHistoryStore : IAgentHistoryStore
{
    private readonly RecordsDatabase _db;
    private readonly MonthlyPartitions _partitions;
    private readonly JsonSerializerOptions _json;
    private readonly TimeProvider _time;
    private readonly TimeSpan? _retention;

    /// <summary>Creates the history store on a PostgreSQL data source. Tables are created by the first call when <see cref="PostgreSqlRecordsOptions.RunMigrations"/> is set.</summary>
    /// <param name="dataSource">The data source (owned by the caller, who disposes it after the store).</param>
    /// <param name="options">Schema, timeout and <see cref="PostgreSqlRecordsOptions.FlowRunRetention"/>, copied now; null for the defaults.</param>
    /// <param name="jsonOptions">How run data and outputs become JSON; null for <see cref="JsonSerializerDefaults.Web"/> (camelCase).</param>
    /// <param name="timeProvider">The clock for timestamps, TTLs and retention; null for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dataSource"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public PostgreSqlAgentHistoryStore(NpgsqlDataSource dataSource, PostgreSqlRecordsOptions? options = null, JsonSerializerOptions? jsonOptions = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var copy = (options ?? new PostgreSqlRecordsOptions()).ValidatedCopy(nameof(options));
        _db = new RecordsDatabase(dataSource, copy, HistoryMigrations.All);
        _partitions = new MonthlyPartitions(_db, "flow_runs");
        _json = jsonOptions ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);
        _time = timeProvider ?? TimeProvider.System;
        _retention = copy.FlowRunRetention;
    }

    /// <inheritdoc />
    public async ValueTask<FlowRunRecord<T>> WriteFlowRunAsync<T>(string flowId, string runId, T data, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForWrite(flowId);
        KeyRules.ValidateForWrite(runId);
        var json = ToJson(data, flowId);
        var writtenAt = Now();
        var sequence = await _db.RunAsync("writing a flow run", async (connection, ct) =>
        {
            for (var attempt = 1; ; attempt++)
            {
                await _partitions.EnsureAsync(connection, null, writtenAt, ct).ConfigureAwait(false);
                var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
                await using var _ = transaction.ConfigureAwait(false);
                using var insert = _db.Command(connection, _db.Sql("""
                    WITH head AS (
                        INSERT INTO {schema}.flow_heads AS h (flow_id, last_seq) VALUES (@flow, 1)
                        ON CONFLICT (flow_id) DO UPDATE SET last_seq = h.last_seq + 1
                        RETURNING last_seq)
                    INSERT INTO {schema}.flow_runs (flow_id, seq, run_id, written_at, data)
                    SELECT @flow, last_seq, @run, @at, @data FROM head
                    RETURNING seq
                    """), transaction);
                insert.Parameters.AddWithValue("flow", flowId);
                insert.Parameters.AddWithValue("run", runId);
                insert.Parameters.AddWithValue("at", writtenAt);
                insert.Parameters.AddWithValue("data", NpgsqlDbType.Jsonb, json);
                try
                {
                    var sequence = (long)(await insert.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
                    await RecordsDatabase.CommitAsync(transaction, "writing a flow run", ct).ConfigureAwait(false);
                    return sequence;
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.CheckViolation && attempt == 1)
                {
                    _partitions.Forget();
                }
            }
        }, cancellationToken).ConfigureAwait(false);
        return new FlowRunRecord<T>(flowId, runId, sequence, writtenAt, data);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<FlowRunRecord<T>>> ReadFlowRunsAsync<T>(string flowId, string? runId = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForRead(flowId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return await _db.RunAsync<IReadOnlyList<FlowRunRecord<T>>>("reading flow runs", async (connection, ct) =>
        {
            using var read = _db.Command(connection, _db.Sql("""
                SELECT run_id, seq, written_at, data::text FROM {schema}.flow_runs
                WHERE flow_id = @flow AND (@run::text IS NULL OR run_id = @run)
                ORDER BY seq DESC LIMIT @limit
                """));
            read.Parameters.AddWithValue("flow", flowId);
            read.Parameters.Add(new NpgsqlParameter("run", NpgsqlDbType.Text) { Value = (object?)runId ?? DBNull.Value });
            read.Parameters.AddWithValue("limit", limit);
            return await RecordsDatabase.ReadAllAsync(read, reader => new FlowRunRecord<T>(flowId, reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2), FromJson<T>(reader.GetString(3), flowId)), ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask WriteTaskOutputAsync<T>(string taskId, T output, TaskOutputOptions? options = null, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForWrite(taskId);
        if (options?.Ttl is { } ttl && ttl <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), ttl, "TaskOutputOptions.Ttl must be positive.");
        }

        var json = ToJson(output, taskId);
        var metadataJson = MetadataJson.Write(options?.Metadata);
        var codec = MetadataCodec.Encode(options?.Metadata);
        var now = Now();
        var fence = options?.Fence;
        await _db.RunAsync("writing a task output", async (connection, ct) =>
        {
            var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                if (fence is not null)
                {
                    await CheckFenceAsync(connection, transaction, fence.Resource, fence.FencingToken, ct).ConfigureAwait(false);
                }

                using var write = _db.Command(connection, _db.Sql("""
                    INSERT INTO {schema}.task_outputs (task_id, output, metadata, metadata_codec, written_at, expires_at)
                    VALUES (@task, @output, @metadata, @codec, @at, @expires)
                    ON CONFLICT (task_id) DO UPDATE SET output = excluded.output, metadata = excluded.metadata,
                        metadata_codec = excluded.metadata_codec, written_at = excluded.written_at, expires_at = excluded.expires_at
                    """), transaction);
                write.Parameters.AddWithValue("task", taskId);
                write.Parameters.AddWithValue("output", NpgsqlDbType.Jsonb, json);
                write.Parameters.AddWithValue("metadata", NpgsqlDbType.Jsonb, metadataJson);
                write.Parameters.Add(new NpgsqlParameter("codec", NpgsqlDbType.Bytea) { Value = (object?)codec ?? DBNull.Value });
                write.Parameters.AddWithValue("at", now);
                write.Parameters.Add(new NpgsqlParameter("expires", NpgsqlDbType.TimestampTz) { Value = options?.Ttl is { } t ? now + t : DBNull.Value });
                await write.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                await RecordsDatabase.CommitAsync(transaction, "writing a task output", ct).ConfigureAwait(false);
                return true;
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<TaskOutput<T>?> ReadTaskOutputAsync<T>(string taskId, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForRead(taskId);
        return await _db.RunAsync("reading a task output", async (connection, ct) =>
        {
            var now = _time.GetUtcNow();
            using var read = _db.Command(connection, _db.Sql("SELECT output::text, metadata_codec, written_at, expires_at FROM {schema}.task_outputs WHERE task_id = @task"));
            read.Parameters.AddWithValue("task", taskId);
            var rows = await RecordsDatabase.ReadAllAsync(read, static reader => (
                Json: reader.GetString(0),
                Codec: reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1),
                WrittenAt: reader.GetFieldValue<DateTimeOffset>(2),
                ExpiresAt: reader.IsDBNull(3) ? (DateTimeOffset?)null : reader.GetFieldValue<DateTimeOffset>(3)), ct).ConfigureAwait(false);
            if (rows.Count == 0)
            {
                return null;
            }

            var row = rows[0];
            if (row.ExpiresAt <= now)
            {
                using var delete = _db.Command(connection, _db.Sql("DELETE FROM {schema}.task_outputs WHERE task_id = @task AND expires_at <= @now"));
                delete.Parameters.AddWithValue("task", taskId);
                delete.Parameters.AddWithValue("now", now);
                await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                return null;
            }

            return new TaskOutput<T>(taskId, FromJson<T>(row.Json, taskId), MetadataCodec.Decode(row.Codec), row.WrittenAt);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Drops every monthly flow-run partition whose month ended more than <paramref name="olderThan"/> ago (by the
    /// store's clock). Whole months go at once, so runs live between the retention and the retention plus a month.
    /// </summary>
    /// <param name="olderThan">The age past which runs go; null for <see cref="PostgreSqlRecordsOptions.FlowRunRetention"/>.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>How many partitions were dropped.</returns>
    /// <exception cref="ArgumentException">Neither <paramref name="olderThan"/> nor the option is set.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="olderThan"/> is not positive.</exception>
    /// <exception cref="MemoryStorageException">PostgreSQL failed; nothing was dropped.</exception>
    /// <remarks>Thread-safe. Sequence numbers keep counting after old runs are dropped.</remarks>
    public async ValueTask<int> ApplyRetentionAsync(TimeSpan? olderThan = null, CancellationToken cancellationToken = default)
    {
        var age = olderThan ?? _retention ?? throw new ArgumentException("No retention age: pass one or set PostgreSqlRecordsOptions.FlowRunRetention.", nameof(olderThan));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(age, TimeSpan.Zero, nameof(olderThan));
        return await _db.RunAsync("dropping expired flow-run partitions", async (connection, ct) =>
        {
            var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var expired = MonthlyPartitions.Expired(await _partitions.ListAsync(connection, transaction, ct).ConfigureAwait(false), _time.GetUtcNow() - age);
                await _partitions.DropAsync(connection, transaction, expired.Select(p => p.Name), ct).ConfigureAwait(false);
                await RecordsDatabase.CommitAsync(transaction, "dropping expired flow-run partitions", ct).ConfigureAwait(false);
                return expired.Count;
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes every task output whose TTL has run out (by the store's clock).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many outputs were deleted.</returns>
    /// <exception cref="MemoryStorageException">PostgreSQL failed.</exception>
    /// <remarks>Thread-safe. Expired outputs are already invisible to reads; this reclaims their space. Run it periodically.</remarks>
    public async ValueTask<int> SweepExpiredTaskOutputsAsync(CancellationToken cancellationToken = default) =>
        await _db.RunAsync("sweeping expired task outputs", async (connection, ct) =>
        {
            using var sweep = _db.Command(connection, _db.Sql("DELETE FROM {schema}.task_outputs WHERE expires_at <= @now"));
            sweep.Parameters.AddWithValue("now", _time.GetUtcNow());
            return await sweep.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);

    private async Task CheckFenceAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string resource, long token, CancellationToken cancellationToken)
    {
        using var fence = _db.Command(connection, _db.Sql("""
            WITH moved AS (
                INSERT INTO {schema}.fences AS f (resource, token) VALUES (@resource, @token)
                ON CONFLICT (resource) DO UPDATE SET token = excluded.token WHERE f.token <= excluded.token
                RETURNING token)
            SELECT (SELECT token FROM moved), (SELECT token FROM {schema}.fences WHERE resource = @resource)
            """), transaction);
        fence.Parameters.AddWithValue("resource", resource);
        fence.Parameters.AddWithValue("token", token);
        var (moved, current) = (await RecordsDatabase.ReadAllAsync(fence, static reader => (Moved: !reader.IsDBNull(0), Current: reader.IsDBNull(1) ? 0 : reader.GetInt64(1)), cancellationToken).ConfigureAwait(false))[0];
        if (!moved)
        {
            throw new MemoryFencingException(resource, token, current);
        }
    }

    private DateTimeOffset Now()
    {
        var now = _time.GetUtcNow();
        return now.AddTicks(-(now.UtcTicks % 10)); // timestamptz keeps microseconds: return what is stored
    }

    private string ToJson<T>(T value, string key)
    {
        try
        {
            return JsonSerializer.Serialize(value, _json);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new MemorySerializationException(key, $"The value for '{key}' cannot be serialized as JSON: {ex.Message}", ex);
        }
    }

    private T FromJson<T>(string json, string key)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, _json)!;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new MemorySerializationException(key, $"The stored JSON for '{key}' is not a {typeof(T).Name}: {ex.Message}", ex);
        }
    }
}
