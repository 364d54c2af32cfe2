using System.Data;
using AgentMemory.PostgreSql.Records;
using AgentMemory.Serialization;
using Npgsql;
using NpgsqlTypes;

namespace AgentMemory.PostgreSql.Workflows;

/// <summary>
/// An <see cref="IWorkflowStateStore"/> in PostgreSQL: one row per instance (definition, version, status, snapshot
/// versions, expiry), one row per event keyed by <c>(instance, version)</c> and one row per snapshot. Events and
/// snapshots are serialized with an <see cref="IMemorySerializer"/> (MessagePack by default, as the in-process store
/// does) into <c>bytea</c>.
/// </summary>
/// <remarks>
/// <para>
/// An append is one transaction: it locks the instance's row (<c>SELECT ... FOR UPDATE</c>), checks the expected
/// version, inserts the events and the snapshot, and moves the instance's version. A new instance is created with
/// <c>INSERT ... ON CONFLICT DO NOTHING</c>, and <c>(instance, version)</c> is the events' primary key, so of
/// concurrent appenders with one expected version — in any number of processes — exactly one commits and the others
/// get <see cref="WorkflowConcurrencyException"/>.
/// </para>
/// <para>
/// Time comes from the <see cref="TimeProvider"/>: a finished instance stores its absolute expiry and is treated as
/// absent once that instant has passed; expired rows are deleted lazily when touched, in small batches by
/// <see cref="FinishAsync"/>, and all at once by <see cref="SweepExpiredAsync"/>. Keep clients' clocks roughly
/// synchronized.
/// </para>
/// <para>Thread-safe; any number of instances (and processes) may share one database.</para>
/// </remarks>
public sealed class PostgreSqlWorkflowStateStore : IWorkflowStateStore
{
    private const string InstanceColumns = "instance_id, definition, version, status, created_at, updated_at, expires_at, snapshots";
    private readonly RecordsDatabase _db;
    private readonly IMemorySerializer _serializer;
    private readonly TimeProvider _time;
    private readonly TimeSpan _retention;

    /// <summary>Creates a workflow store on a PostgreSQL data source. Tables are created by the first call when <see cref="PostgreSqlRecordsOptions.RunMigrations"/> is set.</summary>
    /// <param name="dataSource">The data source (owned by the caller, who disposes it after the store).</param>
    /// <param name="options">Schema, timeout and the default retention, copied now; null for the defaults.</param>
    /// <param name="serializer">Serializes events and snapshots; null for MessagePack.</param>
    /// <param name="timeProvider">The clock for timestamps and retention; null for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dataSource"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public PostgreSqlWorkflowStateStore(NpgsqlDataSource dataSource, PostgreSqlRecordsOptions? options = null, IMemorySerializer? serializer = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var copy = (options ?? new PostgreSqlRecordsOptions()).ValidatedCopy(nameof(options));
        _db = new RecordsDatabase(dataSource, copy, WorkflowMigrations.All);
        _serializer = serializer ?? new MessagePackMemorySerializer();
        _time = timeProvider ?? TimeProvider.System;
        _retention = copy.WorkflowRetention;
    }

    /// <inheritdoc />
    public async ValueTask<WorkflowAppendResult> AppendAsync<TState, TEvent>(WorkflowDefinition<TState, TEvent> definition, string instanceId, IReadOnlyList<TEvent> events, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            throw new ArgumentException("An append needs at least one event.", nameof(events));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        var payloads = new byte[events.Count][];
        for (var i = 0; i < events.Count; i++)
        {
            payloads[i] = _serializer.Serialize(events[i]);
        }

        return await _db.RunAsync("appending workflow events", async (connection, ct) =>
        {
            var now = _time.GetUtcNow();
            var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var head = await ReadHeadAsync(connection, transaction, instanceId, now, forUpdate: true, ct).ConfigureAwait(false);
                var current = head?.Version ?? 0;
                if (current != expectedVersion)
                {
                    throw new WorkflowConcurrencyException(instanceId, expectedVersion, current);
                }

                if (head is not null)
                {
                    CheckDefinition(head, definition.Name);
                    if (head.Status != WorkflowStatus.Running)
                    {
                        throw new WorkflowFinishedException(instanceId, head.Status);
                    }
                }

                var newVersion = current + events.Count;
                long? snapshotVersion = null;
                byte[]? snapshot = null;
                var interval = definition.SnapshotInterval;
                if (interval > 0 && newVersion / interval > current / interval)
                {
                    snapshotVersion = newVersion / interval * interval;
                    var state = head is null
                        ? definition.InitialState()
                        : await LoadStateAsync(connection, transaction, definition, head, current, ct).ConfigureAwait(false);
                    for (var v = current + 1; v <= snapshotVersion; v++)
                    {
                        state = definition.Apply(state, events[(int)(v - current - 1)]);
                    }

                    snapshot = _serializer.Serialize(state);
                }

                if (head is null)
                {
                    using var create = _db.Command(connection, _db.Sql("""
                        INSERT INTO {schema}.workflow_instances (instance_id, definition, version, status, created_at, updated_at)
                        VALUES (@id, @definition, 0, 0, @now, @now) ON CONFLICT (instance_id) DO NOTHING
                        """), transaction);
                    create.Parameters.AddWithValue("id", instanceId);
                    create.Parameters.AddWithValue("definition", definition.Name);
                    create.Parameters.AddWithValue("now", now);
                    if (await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
                    {
                        // Another writer created the instance after our read; its version is what we lost to.
                        throw new WorkflowConcurrencyException(instanceId, expectedVersion, Math.Max(1, await CurrentVersionAsync(instanceId, ct).ConfigureAwait(false)));
                    }
                }

                var batch = new NpgsqlBatch(connection, transaction) { Timeout = _db.CommandTimeoutSeconds };
                await using (batch.ConfigureAwait(false))
                {
                    var insert = new NpgsqlBatchCommand(_db.Sql("""
                        INSERT INTO {schema}.workflow_events (instance_id, version, appended_at, data)
                        SELECT @id, @first + ordinality - 1, @now, data FROM unnest(@data) WITH ORDINALITY AS e(data)
                        """));
                    insert.Parameters.AddWithValue("id", instanceId);
                    insert.Parameters.AddWithValue("first", current + 1);
                    insert.Parameters.AddWithValue("now", now);
                    insert.Parameters.Add(new NpgsqlParameter("data", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = payloads });
                    batch.BatchCommands.Add(insert);
                    if (snapshot is not null)
                    {
                        var save = new NpgsqlBatchCommand(_db.Sql("INSERT INTO {schema}.workflow_snapshots (instance_id, version, data) VALUES (@id, @version, @data)"));
                        save.Parameters.AddWithValue("id", instanceId);
                        save.Parameters.AddWithValue("version", snapshotVersion!.Value);
                        save.Parameters.AddWithValue("data", snapshot);
                        batch.BatchCommands.Add(save);
                    }

                    var move = new NpgsqlBatchCommand(_db.Sql("""
                        UPDATE {schema}.workflow_instances
                        SET version = @version, updated_at = @now,
                            snapshots = CASE WHEN @snapshot::bigint IS NULL THEN snapshots ELSE array_append(snapshots, @snapshot::bigint) END
                        WHERE instance_id = @id AND version = @expected
                        """));
                    move.Parameters.AddWithValue("id", instanceId);
                    move.Parameters.AddWithValue("version", newVersion);
                    move.Parameters.AddWithValue("now", now);
                    move.Parameters.AddWithValue("expected", current);
                    move.Parameters.Add(new NpgsqlParameter("snapshot", NpgsqlDbType.Bigint) { Value = (object?)snapshotVersion ?? DBNull.Value });
                    batch.BatchCommands.Add(move);
                    try
                    {
                        await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    }
                    catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
                    {
                        throw new WorkflowConcurrencyException($"Workflow '{instanceId}' already has events after version {current}: another writer appended first. Nothing was appended.", ex);
                    }

                    if (move.RecordsAffected != 1)
                    {
                        throw new WorkflowConcurrencyException(instanceId, expectedVersion, await CurrentVersionAsync(instanceId, ct).ConfigureAwait(false));
                    }
                }

                await RecordsDatabase.CommitAsync(transaction, "appending workflow events", ct).ConfigureAwait(false);
                return new WorkflowAppendResult(newVersion, snapshotVersion);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<WorkflowState<TState>?> GetStateAsync<TState, TEvent>(WorkflowDefinition<TState, TEvent> definition, string instanceId, long? atVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        if (atVersion is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(atVersion), atVersion, "The version to replay to must not be negative.");
        }

        return await _db.RunAsync("reading workflow state", async (connection, ct) =>
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var head = await ReadHeadAsync(connection, transaction, instanceId, _time.GetUtcNow(), forUpdate: false, ct).ConfigureAwait(false);
                if (head is null)
                {
                    return null;
                }

                CheckDefinition(head, definition.Name);
                var target = atVersion ?? head.Version;
                ArgumentOutOfRangeException.ThrowIfGreaterThan(target, head.Version, nameof(atVersion));
                var state = await LoadStateAsync(connection, transaction, definition, head, target, ct).ConfigureAwait(false);
                return new WorkflowState<TState>(instanceId, target, state, head.Status);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<WorkflowEvent<TEvent>>> ReadEventsAsync<TEvent>(string instanceId, long fromVersion = 1, long? toVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        ArgumentOutOfRangeException.ThrowIfLessThan(fromVersion, 1);
        return await _db.RunAsync<IReadOnlyList<WorkflowEvent<TEvent>>>("reading workflow events", async (connection, ct) =>
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var head = await ReadHeadAsync(connection, transaction, instanceId, _time.GetUtcNow(), forUpdate: false, ct).ConfigureAwait(false);
                if (head is null)
                {
                    return [];
                }

                var last = Math.Min(toVersion ?? head.Version, head.Version);
                using var read = _db.Command(connection, _db.Sql("""
                    SELECT version, appended_at, data FROM {schema}.workflow_events
                    WHERE instance_id = @id AND version BETWEEN @from AND @to ORDER BY version
                    """), transaction);
                read.Parameters.AddWithValue("id", instanceId);
                read.Parameters.AddWithValue("from", fromVersion);
                read.Parameters.AddWithValue("to", last);
                return await RecordsDatabase.ReadAllAsync(read, reader => new WorkflowEvent<TEvent>(
                    reader.GetInt64(0),
                    reader.GetFieldValue<DateTimeOffset>(1),
                    _serializer.Deserialize<TEvent>(reader.GetFieldValue<byte[]>(2))), ct).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<WorkflowInfo?> GetInfoAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        return await _db.RunAsync("reading workflow information", async (connection, ct) =>
            (await ReadHeadAsync(connection, null, instanceId, _time.GetUtcNow(), forUpdate: false, ct).ConfigureAwait(false))?.ToInfo(), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<bool> FinishAsync(string instanceId, WorkflowStatus status, TimeSpan? retention = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        if (status == WorkflowStatus.Running || !Enum.IsDefined(status))
        {
            throw new ArgumentException($"A workflow finishes as Completed, Failed or Cancelled, not {status}.", nameof(status));
        }

        var keep = retention ?? _retention;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(keep, TimeSpan.Zero, nameof(retention));
        return await _db.RunAsync("finishing a workflow", async (connection, ct) =>
        {
            var now = _time.GetUtcNow();
            var batch = new NpgsqlBatch(connection) { Timeout = _db.CommandTimeoutSeconds };
            await using (batch.ConfigureAwait(false))
            {
                var finish = new NpgsqlBatchCommand(_db.Sql("""
                    UPDATE {schema}.workflow_instances SET status = @status, updated_at = @now, expires_at = @expires
                    WHERE instance_id = @id AND status = 0
                    """));
                finish.Parameters.AddWithValue("id", instanceId);
                finish.Parameters.AddWithValue("status", (short)status);
                finish.Parameters.AddWithValue("now", now);
                finish.Parameters.AddWithValue("expires", now + keep);
                batch.BatchCommands.Add(finish);
                batch.BatchCommands.Add(SweepCommand(now, 100));
                await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                return finish.RecordsAffected == 1;
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        return await _db.RunAsync("deleting a workflow", async (connection, ct) =>
        {
            using var delete = _db.Command(connection, _db.Sql("""
                DELETE FROM {schema}.workflow_instances WHERE instance_id = @id
                RETURNING expires_at IS NULL OR expires_at > @now
                """));
            delete.Parameters.AddWithValue("id", instanceId);
            delete.Parameters.AddWithValue("now", _time.GetUtcNow());
            return await delete.ExecuteScalarAsync(ct).ConfigureAwait(false) is true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes every finished instance whose retention has run out (by the store's clock), with its events and snapshots.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many instances were deleted.</returns>
    /// <exception cref="MemoryStorageException">PostgreSQL failed.</exception>
    /// <remarks>Thread-safe. Expired instances are already invisible to every read; this reclaims their space. Run it periodically.</remarks>
    public async ValueTask<int> SweepExpiredAsync(CancellationToken cancellationToken = default) =>
        await _db.RunAsync("sweeping expired workflows", async (connection, ct) =>
        {
            using var sweep = _db.Command(connection, _db.Sql("DELETE FROM {schema}.workflow_instances WHERE expires_at <= @now"));
            sweep.Parameters.AddWithValue("now", _time.GetUtcNow());
            return await sweep.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);

    private NpgsqlBatchCommand SweepCommand(DateTimeOffset now, int limit)
    {
        var sweep = new NpgsqlBatchCommand(_db.Sql("""
            DELETE FROM {schema}.workflow_instances WHERE instance_id IN
                (SELECT instance_id FROM {schema}.workflow_instances WHERE expires_at <= @now LIMIT @limit)
            """));
        sweep.Parameters.AddWithValue("now", now);
        sweep.Parameters.AddWithValue("limit", limit);
        return sweep;
    }

    private static void CheckDefinition(Head head, string definition)
    {
        if (!string.Equals(head.Definition, definition, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Workflow '{head.Id}' was created by definition '{head.Definition}', not '{definition}'.", nameof(definition));
        }
    }

    private async Task<long> CurrentVersionAsync(string instanceId, CancellationToken cancellationToken)
    {
        var connection = await _db.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return (await ReadHeadAsync(connection, null, instanceId, _time.GetUtcNow(), forUpdate: false, cancellationToken).ConfigureAwait(false))?.Version ?? 0;
        }
    }

    /// <summary>Reads the instance row; an expired one is deleted (when locking) and reported absent.</summary>
    private async Task<Head?> ReadHeadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string instanceId, DateTimeOffset now, bool forUpdate, CancellationToken cancellationToken)
    {
        Head? head = null;
        using (var read = _db.Command(connection, _db.Sql($"SELECT {InstanceColumns} FROM {{schema}}.workflow_instances WHERE instance_id = @id{(forUpdate ? " FOR UPDATE" : "")}"), transaction))
        {
            read.Parameters.AddWithValue("id", instanceId);
            head = (await RecordsDatabase.ReadAllAsync(read, static reader => new Head(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetInt64(2),
                (WorkflowStatus)reader.GetInt16(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                reader.GetFieldValue<long[]>(7)), cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        }

        if (head?.ExpiresAt is { } expires && expires <= now)
        {
            if (forUpdate)
            {
                using var delete = _db.Command(connection, _db.Sql("DELETE FROM {schema}.workflow_instances WHERE instance_id = @id"), transaction);
                delete.Parameters.AddWithValue("id", instanceId);
                await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return null;
        }

        return head;
    }

    private async Task<TState> LoadStateAsync<TState, TEvent>(NpgsqlConnection connection, NpgsqlTransaction transaction, WorkflowDefinition<TState, TEvent> definition, Head head, long target, CancellationToken cancellationToken)
    {
        var state = definition.InitialState();
        long from = 0;
        var snapshotVersion = head.Snapshots.Where(s => s <= target).DefaultIfEmpty(0).Max();
        if (snapshotVersion > 0)
        {
            using var snap = _db.Command(connection, _db.Sql("SELECT data FROM {schema}.workflow_snapshots WHERE instance_id = @id AND version = @version"), transaction);
            snap.Parameters.AddWithValue("id", head.Id);
            snap.Parameters.AddWithValue("version", snapshotVersion);
            if (await snap.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is byte[] data)
            {
                state = _serializer.Deserialize<TState>(data);
                from = snapshotVersion;
            }
        }

        if (from >= target)
        {
            return state;
        }

        using var read = _db.Command(connection, _db.Sql("""
            SELECT version, data FROM {schema}.workflow_events
            WHERE instance_id = @id AND version > @from AND version <= @to ORDER BY version
            """), transaction);
        read.Parameters.AddWithValue("id", head.Id);
        read.Parameters.AddWithValue("from", from);
        read.Parameters.AddWithValue("to", target);
        var rows = await RecordsDatabase.ReadAllAsync(read, static reader => (Version: reader.GetInt64(0), Data: reader.GetFieldValue<byte[]>(1)), cancellationToken).ConfigureAwait(false);
        var expected = from + 1;
        foreach (var (version, data) in rows)
        {
            if (version != expected)
            {
                break;
            }

            state = definition.Apply(state, _serializer.Deserialize<TEvent>(data));
            expected++;
        }

        if (expected != target + 1)
        {
            throw new MemoryStorageException($"Event {expected} of workflow '{head.Id}' is missing from PostgreSQL schema \"{_db.Schema}\".");
        }

        return state;
    }

    private sealed record Head(string Id, string Definition, long Version, WorkflowStatus Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? ExpiresAt, long[] Snapshots)
    {
        public WorkflowInfo ToInfo() => new(Id, Definition, Version, Status, CreatedAt, UpdatedAt, Snapshots, ExpiresAt);
    }
}
