using System.Data;
using System.Security.Cryptography;
using AgentMemory.PostgreSql.Records;
using AgentMemory.Security;
using Npgsql;

namespace AgentMemory.PostgreSql.Audit;

/// <summary>
/// An <see cref="IMemoryAuditLog"/> in PostgreSQL: the engine's hash chain (each entry's hash is SHA-256 over the
/// previous hash and the entry) with an HMAC-authenticated head, in a table range-partitioned by month, so retention
/// drops whole partitions and the chain still verifies from a HMAC-authenticated anchor.
/// </summary>
/// <remarks>
/// <para>
/// Appends from any number of store instances and processes form one chain: each append takes a transaction-scoped
/// advisory lock, reads the head, inserts the entry and moves the head in one transaction. Partitions are created on
/// demand for the month being written. The partition key is the append instant by the log's
/// <see cref="TimeProvider"/>, never earlier than the previous entry's, so partitions hold consecutive runs of the
/// chain and dropping the oldest ones removes a prefix of it.
/// </para>
/// <para>
/// <see cref="ApplyRetentionAsync"/> records the oldest kept entry's sequence number and the hash it links to as the
/// anchor, authenticated with the same key, then drops the expired partitions, in one transaction.
/// <see cref="VerifyAsync"/> starts at the anchor, so an edit, deletion, reordering or truncation is detected before
/// and after retention, and a forged anchor (hiding deleted entries) fails its HMAC.
/// </para>
/// <para>Thread-safe. Dispose zeroes the HMAC key.</para>
/// </remarks>
public sealed class PostgreSqlAuditLog : IMemoryAuditLog, IDisposable
{
    private const string EntryColumns = "seq, ts_ticks, principal, resource, action, result, operation, detail, prev, hash";
    private readonly RecordsDatabase _db;
    private readonly MonthlyPartitions _partitions;
    private readonly TimeProvider _time;
    private readonly TimeSpan? _retention;
    private readonly byte[] _key;
    private readonly long _lockKey;
    private volatile bool _disposed;

    /// <summary>Creates an audit log on a PostgreSQL data source. Tables are created by the first call when <see cref="PostgreSqlRecordsOptions.RunMigrations"/> is set.</summary>
    /// <param name="dataSource">The data source (owned by the caller, who disposes it after the log).</param>
    /// <param name="options">Schema, timeout, <see cref="PostgreSqlRecordsOptions.AuditHmacKey"/> (required) and <see cref="PostgreSqlRecordsOptions.AuditRetention"/>, copied now.</param>
    /// <param name="timeProvider">The clock for the append instant and retention; null for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dataSource"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid or the HMAC key is missing; the message names it.</exception>
    public PostgreSqlAuditLog(NpgsqlDataSource dataSource, PostgreSqlRecordsOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        var copy = options.ValidatedCopy(nameof(options));
        if (copy.AuditHmacKey is null)
        {
            throw new ArgumentException("PostgreSqlRecordsOptions.AuditHmacKey is required by the audit log: at least 32 bytes, separate from the data keys.", nameof(options));
        }

        _key = AuditChain.CopyKey(copy.AuditHmacKey);
        CryptographicOperations.ZeroMemory(copy.AuditHmacKey);
        _db = new RecordsDatabase(dataSource, copy, AuditMigrations.All);
        _partitions = new MonthlyPartitions(_db, "audit_entries");
        _time = timeProvider ?? TimeProvider.System;
        _retention = copy.AuditRetention;
        _lockKey = RecordsDatabase.LockKey("agentmemory.audit:" + copy.Schema);
    }

    /// <inheritdoc />
    public async ValueTask<MemoryAuditEntry> AppendAsync(MemoryAuditRecord record, CancellationToken cancellationToken = default)
    {
        AuditChain.Validate(record);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return await _db.RunAsync("appending an audit entry", async (connection, ct) =>
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await AppendOnceAsync(connection, record, ct).ConfigureAwait(false);
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.CheckViolation && attempt == 1)
                {
                    // "no partition of relation found for row": the cached month was dropped or never committed.
                    _partitions.Forget();
                }
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<MemoryAuditEntry>> QueryAsync(MemoryAuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return await _db.RunAsync<IReadOnlyList<MemoryAuditEntry>>("reading audit entries", async (connection, ct) =>
        {
            using var command = _db.Command(connection, _db.Sql($$"""
                SELECT {{EntryColumns}} FROM {schema}.audit_entries
                WHERE (@from::bigint IS NULL OR ts_ticks >= @from) AND (@to::bigint IS NULL OR ts_ticks < @to)
                  AND (@principal::text IS NULL OR principal = @principal)
                ORDER BY seq LIMIT @limit
                """));
            command.Parameters.Add(new NpgsqlParameter<long?>("from", query.From?.UtcTicks));
            command.Parameters.Add(new NpgsqlParameter<long?>("to", query.To?.UtcTicks));
            command.Parameters.Add(new NpgsqlParameter("principal", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)query.PrincipalId ?? DBNull.Value });
            command.Parameters.AddWithValue("limit", query.Limit);
            return await RecordsDatabase.ReadAllAsync(command, static reader =>
            {
                var (sequence, entry, previous, hash) = ReadEntry(reader);
                return new MemoryAuditEntry(sequence, entry, Convert.ToHexStringLower(previous), Convert.ToHexStringLower(hash));
            }, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<MemoryAuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return await _db.RunAsync("verifying the audit log", async (connection, ct) =>
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var head = await ReadHeadAsync(connection, transaction, ct).ConfigureAwait(false);
                var anchor = await ReadAnchorAsync(connection, transaction, ct).ConfigureAwait(false);
                using var command = _db.Command(connection, _db.Sql($"SELECT {EntryColumns} FROM {{schema}}.audit_entries ORDER BY seq"), transaction);
                var entries = await RecordsDatabase.ReadAllAsync(command, ReadEntry, ct).ConfigureAwait(false);

                return AnchoredAuditChain.Verify(entries, anchor, head is { } h ? (h.Sequence, h.Hash, h.Mac) : null, _key);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Drops every monthly partition whose month ended more than <paramref name="olderThan"/> ago (by the log's clock),
    /// first recording the oldest kept entry as the HMAC-authenticated anchor that <see cref="VerifyAsync"/> starts from.
    /// </summary>
    /// <param name="olderThan">The age past which entries go; null for <see cref="PostgreSqlRecordsOptions.AuditRetention"/>.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>How many partitions were dropped.</returns>
    /// <exception cref="ArgumentException">Neither <paramref name="olderThan"/> nor the option is set.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="olderThan"/> is not positive.</exception>
    /// <exception cref="MemoryStorageException">PostgreSQL failed; nothing was dropped.</exception>
    /// <remarks>Thread-safe; serialized with appends. Whole months go at once, so entries live between the retention and the retention plus a month.</remarks>
    public async ValueTask<int> ApplyRetentionAsync(TimeSpan? olderThan = null, CancellationToken cancellationToken = default)
    {
        var age = olderThan ?? _retention ?? throw new ArgumentException("No retention age: pass one or set PostgreSqlRecordsOptions.AuditRetention.", nameof(olderThan));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(age, TimeSpan.Zero, nameof(olderThan));
        ObjectDisposedException.ThrowIf(_disposed, this);
        return await _db.RunAsync("dropping expired audit partitions", async (connection, ct) =>
        {
            var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await LockAsync(connection, transaction, ct).ConfigureAwait(false);
                var partitions = await _partitions.ListAsync(connection, transaction, ct).ConfigureAwait(false);
                var expired = MonthlyPartitions.Expired(partitions, _time.GetUtcNow() - age);
                if (expired.Count == 0)
                {
                    return 0;
                }

                var keepFrom = expired[^1].Start.AddMonths(1);
                (long Sequence, byte[] Previous)? anchor = null;
                using (var first = _db.Command(connection, _db.Sql("SELECT seq, prev FROM {schema}.audit_entries WHERE appended_at >= @keep ORDER BY seq LIMIT 1"), transaction))
                {
                    first.Parameters.AddWithValue("keep", keepFrom);
                    var rows = await RecordsDatabase.ReadAllAsync(first, static reader => (reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)), ct).ConfigureAwait(false);
                    if (rows.Count > 0)
                    {
                        anchor = rows[0];
                    }
                }

                if (anchor is null && await ReadHeadAsync(connection, transaction, ct).ConfigureAwait(false) is { } head)
                {
                    anchor = (head.Sequence + 1, head.Hash);
                }

                if (anchor is { } a)
                {
                    using var save = _db.Command(connection, _db.Sql("""
                        INSERT INTO {schema}.audit_anchor (id, first_seq, prev, mac) VALUES (1, @seq, @prev, @mac)
                        ON CONFLICT (id) DO UPDATE SET first_seq = excluded.first_seq, prev = excluded.prev, mac = excluded.mac
                        """), transaction);
                    save.Parameters.AddWithValue("seq", a.Sequence);
                    save.Parameters.AddWithValue("prev", a.Previous);
                    save.Parameters.AddWithValue("mac", AnchoredAuditChain.ComputeAnchorMac(_key, a.Sequence, a.Previous));
                    await save.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                await _partitions.DropAsync(connection, transaction, expired.Select(p => p.Name), ct).ConfigureAwait(false);
                await RecordsDatabase.CommitAsync(transaction, "dropping expired audit partitions", ct).ConfigureAwait(false);
                return expired.Count;
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the authenticated head (last sequence and hash, hex) so it can be kept outside the database as an anchor.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The head, or null for an empty log.</returns>
    /// <exception cref="MemoryStorageException">PostgreSQL failed.</exception>
    /// <remarks>Thread-safe.</remarks>
    public async ValueTask<(long Sequence, string Hash)?> GetHeadAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return await _db.RunAsync<(long, string)?>("reading the audit head", async (connection, ct) =>
            await ReadHeadAsync(connection, null, ct).ConfigureAwait(false) is { } h ? (h.Sequence, Convert.ToHexStringLower(h.Hash)) : null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Zeroes the HMAC key; later calls throw <see cref="ObjectDisposedException"/>. The data source is not disposed.</summary>
    public void Dispose()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_key);
    }

    private async Task<MemoryAuditEntry> AppendOnceAsync(NpgsqlConnection connection, MemoryAuditRecord record, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        await _partitions.EnsureAsync(connection, null, now, cancellationToken).ConfigureAwait(false);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            await LockAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            var head = await ReadHeadAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            var sequence = (head?.Sequence ?? 0) + 1;
            var previous = head?.Hash ?? AuditChain.GenesisHash.ToArray();
            var appendedAt = head is { } h && h.AppendedAt > now ? h.AppendedAt : now;
            if (MonthlyPartitions.MonthStart(appendedAt) != MonthlyPartitions.MonthStart(now))
            {
                await _partitions.EnsureAsync(connection, transaction, appendedAt, cancellationToken).ConfigureAwait(false);
            }

            var hash = AuditChain.ComputeHash(sequence, record, previous);
            var mac = AuditChain.ComputeHeadMac(_key, sequence, hash);
            var batch = new NpgsqlBatch(connection, transaction) { Timeout = _db.CommandTimeoutSeconds };
            await using (batch.ConfigureAwait(false))
            {
                var insert = new NpgsqlBatchCommand(_db.Sql($$"""
                    INSERT INTO {schema}.audit_entries (appended_at, {{EntryColumns}})
                    VALUES (@at, @seq, @ts, @principal, @resource, @action, @result, @operation, @detail, @prev, @hash)
                    """));
                insert.Parameters.AddWithValue("at", appendedAt);
                insert.Parameters.AddWithValue("seq", sequence);
                insert.Parameters.AddWithValue("ts", record.Timestamp.UtcTicks);
                insert.Parameters.Add(new NpgsqlParameter("principal", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)record.PrincipalId ?? DBNull.Value });
                insert.Parameters.AddWithValue("resource", record.Resource);
                insert.Parameters.AddWithValue("action", (int)record.Action);
                insert.Parameters.AddWithValue("result", (int)record.Result);
                insert.Parameters.AddWithValue("operation", record.Operation);
                insert.Parameters.Add(new NpgsqlParameter("detail", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)record.Detail ?? DBNull.Value });
                insert.Parameters.AddWithValue("prev", previous);
                insert.Parameters.AddWithValue("hash", hash);
                batch.BatchCommands.Add(insert);
                var move = new NpgsqlBatchCommand(_db.Sql("""
                    INSERT INTO {schema}.audit_head (id, seq, hash, mac, appended_at) VALUES (1, @seq, @hash, @mac, @at)
                    ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, mac = excluded.mac, appended_at = excluded.appended_at
                    """));
                move.Parameters.AddWithValue("seq", sequence);
                move.Parameters.AddWithValue("hash", hash);
                move.Parameters.AddWithValue("mac", mac);
                move.Parameters.AddWithValue("at", appendedAt);
                batch.BatchCommands.Add(move);
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await RecordsDatabase.CommitAsync(transaction, "appending an audit entry", cancellationToken).ConfigureAwait(false);
            var stored = record with { Timestamp = new DateTimeOffset(record.Timestamp.UtcTicks, TimeSpan.Zero) };
            return new MemoryAuditEntry(sequence, stored, Convert.ToHexStringLower(previous), Convert.ToHexStringLower(hash));
        }
    }

    private async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        using var command = _db.Command(connection, "SELECT pg_advisory_xact_lock(@lock)", transaction);
        command.Parameters.AddWithValue("lock", _lockKey);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<(long Sequence, byte[] Hash, byte[] Mac, DateTimeOffset AppendedAt)?> ReadHeadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        using var command = _db.Command(connection, _db.Sql("SELECT seq, hash, mac, appended_at FROM {schema}.audit_head WHERE id = 1"), transaction);
        var rows = await RecordsDatabase.ReadAllAsync(command, static reader => (reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), reader.GetFieldValue<byte[]>(2), reader.GetFieldValue<DateTimeOffset>(3)), cancellationToken).ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : null;
    }

    private async Task<(long FirstSequence, byte[] PreviousHash, byte[] Mac)?> ReadAnchorAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        using var command = _db.Command(connection, _db.Sql("SELECT first_seq, prev, mac FROM {schema}.audit_anchor WHERE id = 1"), transaction);
        var rows = await RecordsDatabase.ReadAllAsync(command, static reader => (reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), reader.GetFieldValue<byte[]>(2)), cancellationToken).ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : null;
    }

    private static (long Sequence, MemoryAuditRecord Record, byte[] PreviousHash, byte[] Hash) ReadEntry(NpgsqlDataReader reader)
    {
        var record = new MemoryAuditRecord(
            new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero),
            reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.GetString(3),
            (MemoryAction)reader.GetInt32(4),
            (MemoryAuditResult)reader.GetInt32(5),
            reader.GetString(6),
            reader.IsDBNull(7) ? null : reader.GetString(7));
        return (reader.GetInt64(0), record, reader.GetFieldValue<byte[]>(8), reader.GetFieldValue<byte[]>(9));
    }
}
