using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace AgentMemory.Security;

/// <summary>
/// An <see cref="IMemoryAuditLog"/> in a SQLite database file (WAL mode): hash-chained, with an HMAC-authenticated
/// head, surviving restarts. Reopen the file with the same HMAC key and <see cref="VerifyAsync"/> checks the whole
/// history, including what happened to the file while the process was down.
/// </summary>
/// <remarks>
/// <para>
/// Each append writes the entry and the new head in one transaction. Someone who can write the file but does not
/// hold the HMAC key can edit, delete, reorder or truncate entries, but not without <see cref="VerifyAsync"/>
/// noticing. Deleting the whole file (or every row and the head) leaves an empty, valid log: keep a copy of the
/// head elsewhere (see <see cref="GetHeadAsync"/>) when that matters.
/// </para>
/// <para>Thread-safe: one connection, used under a lock.</para>
/// </remarks>
public sealed class SqliteAuditLog : IMemoryAuditLog, IDisposable
{
    private readonly object _gate = new();
    private readonly SqliteConnection _connection;
    private readonly byte[] _key;
    private long _lastSequence;
    private byte[] _lastHash;
    private bool _disposed;

    /// <summary>Opens (creating if needed) an audit log in the SQLite file at <paramref name="path"/>.</summary>
    /// <param name="path">The database file path.</param>
    /// <param name="hmacKey">The key that authenticates the chain head: at least 32 bytes, separate from the data keys (copied).</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or <paramref name="hmacKey"/> is shorter than 32 bytes.</exception>
    /// <exception cref="MemoryStorageException">The database cannot be opened or created.</exception>
    public SqliteAuditLog(string path, ReadOnlySpan<byte> hmacKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _key = AuditChain.CopyKey(hmacKey);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString();
        _connection = new SqliteConnection(connectionString);
        try
        {
            _connection.Open();
            Execute("PRAGMA journal_mode=WAL;");
            Execute("PRAGMA synchronous=NORMAL;");
            Execute("""
                CREATE TABLE IF NOT EXISTS audit_entries (
                    seq INTEGER PRIMARY KEY, ts INTEGER NOT NULL, principal TEXT NULL, resource TEXT NOT NULL,
                    action INTEGER NOT NULL, result INTEGER NOT NULL, operation TEXT NOT NULL, detail TEXT NULL,
                    prev BLOB NOT NULL, hash BLOB NOT NULL);
                CREATE INDEX IF NOT EXISTS audit_entries_ts ON audit_entries (ts);
                CREATE TABLE IF NOT EXISTS audit_head (
                    id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash BLOB NOT NULL, mac BLOB NOT NULL);
                """);
            using var last = _connection.CreateCommand();
            last.CommandText = "SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1;";
            using var reader = last.ExecuteReader();
            if (reader.Read())
            {
                _lastSequence = reader.GetInt64(0);
                _lastHash = (byte[])reader[1];
            }
            else
            {
                _lastHash = AuditChain.GenesisHash.ToArray();
            }
        }
        catch (SqliteException ex)
        {
            _connection.Dispose();
            CryptographicOperations.ZeroMemory(_key);
            throw new MemoryStorageException($"The audit log database '{path}' cannot be opened: {ex.Message}", ex);
        }
    }

    /// <summary>The file the log lives in.</summary>
    public string Path => _connection.DataSource;

    /// <inheritdoc />
    public ValueTask<MemoryAuditEntry> AppendAsync(MemoryAuditRecord record, CancellationToken cancellationToken = default)
    {
        AuditChain.Validate(record);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var sequence = _lastSequence + 1;
            var previous = _lastHash;
            var hash = AuditChain.ComputeHash(sequence, record, previous);
            var mac = AuditChain.ComputeHeadMac(_key, sequence, hash);
            try
            {
                using var transaction = _connection.BeginTransaction();
                using (var insert = _connection.CreateCommand())
                {
                    insert.Transaction = transaction;
                    insert.CommandText = """
                        INSERT INTO audit_entries (seq, ts, principal, resource, action, result, operation, detail, prev, hash)
                        VALUES ($seq, $ts, $principal, $resource, $action, $result, $operation, $detail, $prev, $hash);
                        """;
                    insert.Parameters.AddWithValue("$seq", sequence);
                    insert.Parameters.AddWithValue("$ts", record.Timestamp.UtcTicks);
                    insert.Parameters.AddWithValue("$principal", (object?)record.PrincipalId ?? DBNull.Value);
                    insert.Parameters.AddWithValue("$resource", record.Resource);
                    insert.Parameters.AddWithValue("$action", (int)record.Action);
                    insert.Parameters.AddWithValue("$result", (int)record.Result);
                    insert.Parameters.AddWithValue("$operation", record.Operation);
                    insert.Parameters.AddWithValue("$detail", (object?)record.Detail ?? DBNull.Value);
                    insert.Parameters.AddWithValue("$prev", previous);
                    insert.Parameters.AddWithValue("$hash", hash);
                    insert.ExecuteNonQuery();
                }

                using (var head = _connection.CreateCommand())
                {
                    head.Transaction = transaction;
                    head.CommandText = "INSERT INTO audit_head (id, seq, hash, mac) VALUES (1, $seq, $hash, $mac) ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, mac = excluded.mac;";
                    head.Parameters.AddWithValue("$seq", sequence);
                    head.Parameters.AddWithValue("$hash", hash);
                    head.Parameters.AddWithValue("$mac", mac);
                    head.ExecuteNonQuery();
                }

                transaction.Commit();
            }
            catch (SqliteException ex)
            {
                throw new MemoryStorageException($"The audit entry could not be written to '{Path}': {ex.Message}", ex);
            }

            _lastSequence = sequence;
            _lastHash = hash;
            return new(new MemoryAuditEntry(sequence, record with { Timestamp = new DateTimeOffset(record.Timestamp.UtcTicks, TimeSpan.Zero) }, Convert.ToHexStringLower(previous), Convert.ToHexStringLower(hash)));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<MemoryAuditEntry>> QueryAsync(MemoryAuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                using var command = _connection.CreateCommand();
                command.CommandText = """
                    SELECT seq, ts, principal, resource, action, result, operation, detail, prev, hash FROM audit_entries
                    WHERE ($from IS NULL OR ts >= $from) AND ($to IS NULL OR ts < $to) AND ($principal IS NULL OR principal = $principal)
                    ORDER BY seq LIMIT $limit;
                    """;
                command.Parameters.AddWithValue("$from", (object?)query.From?.UtcTicks ?? DBNull.Value);
                command.Parameters.AddWithValue("$to", (object?)query.To?.UtcTicks ?? DBNull.Value);
                command.Parameters.AddWithValue("$principal", (object?)query.PrincipalId ?? DBNull.Value);
                command.Parameters.AddWithValue("$limit", query.Limit);
                var result = new List<MemoryAuditEntry>();
                foreach (var (sequence, record, previous, hash) in Read(command))
                {
                    result.Add(new MemoryAuditEntry(sequence, record, Convert.ToHexStringLower(previous), Convert.ToHexStringLower(hash)));
                }

                return new(result);
            }
            catch (SqliteException ex)
            {
                throw new MemoryStorageException($"The audit log '{Path}' cannot be read: {ex.Message}", ex);
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<MemoryAuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                using var command = _connection.CreateCommand();
                command.CommandText = "SELECT seq, ts, principal, resource, action, result, operation, detail, prev, hash FROM audit_entries ORDER BY seq;";
                var entries = Read(command).ToList();
                return new(AuditChain.Verify(entries, ReadHead(), _key));
            }
            catch (SqliteException ex)
            {
                throw new MemoryStorageException($"The audit log '{Path}' cannot be read: {ex.Message}", ex);
            }
            catch (InvalidCastException ex)
            {
                return new(new MemoryAuditVerification(false, 0, null, $"The audit log has a row of the wrong shape: {ex.Message}"));
            }
        }
    }

    /// <summary>Reads the authenticated head (last sequence and hash, hex) so it can be kept outside the file as an anchor.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The head, or null for an empty log.</returns>
    /// <exception cref="MemoryStorageException">The database cannot be read.</exception>
    public ValueTask<(long Sequence, string Hash)?> GetHeadAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var head = ReadHead();
            return new(head is { } h ? (h.Sequence, Convert.ToHexStringLower(h.Hash)) : null);
        }
    }

    /// <summary>Closes the database and zeroes the HMAC key.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _connection.Dispose();
            CryptographicOperations.ZeroMemory(_key);
        }
    }

    private (long Sequence, byte[] Hash, byte[] Mac)? ReadHead()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT seq, hash, mac FROM audit_head WHERE id = 1;";
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), (byte[])reader[1], (byte[])reader[2]) : null;
    }

    private static IEnumerable<(long Sequence, MemoryAuditRecord Record, byte[] PreviousHash, byte[] Hash)> Read(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var record = new MemoryAuditRecord(
                new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetString(3),
                (MemoryAction)reader.GetInt32(4),
                (MemoryAuditResult)reader.GetInt32(5),
                reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7));
            yield return (reader.GetInt64(0), record, (byte[])reader[8], (byte[])reader[9]);
        }
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
