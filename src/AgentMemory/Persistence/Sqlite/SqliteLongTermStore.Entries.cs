using MessagePack;
using Microsoft.Data.Sqlite;

namespace AgentMemory.Persistence.Sqlite;

// Row reads and writes.
internal sealed partial class SqliteLongTermStore
{
    private const string Columns = "key, kind, payload, compressed, metadata, priority, created, updated, last_access, expires, access_count";

    private static readonly MessagePackSerializerOptions CompressionOptions = MessagePackSerializerOptions.Standard
        .WithCompression(MessagePackCompression.Lz4Block)
        .WithSecurity(MessagePackSecurity.UntrustedData);

    /// <summary>The live entry for <paramref name="key"/>, or null when there is none or it has expired.</summary>
    public PersistedEntry? Get(string key, long nowTicks) => ReadSession(session =>
    {
        var get = session.Get;
        get.Bind(1, key);
        get.Bind(2, nowTicks);
        try
        {
            return get.Step() ? ReadEntry(get) : null;
        }
        finally
        {
            get.Reset();
        }
    });

    /// <summary>Number of live rows.</summary>
    public long Count(long nowTicks) => Read(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM entries WHERE expires > $now;";
        command.Parameters.AddWithValue("$now", nowTicks);
        return (long)command.ExecuteScalar()!;
    });

    /// <summary>Writes one entry in its own transaction.</summary>
    public void Upsert(PersistedEntry entry) => Apply([LongTermWrite.Upsert(entry)]);

    /// <summary>Deletes one row; returns whether there was one (live or expired).</summary>
    public bool Delete(string key) => Write(_ =>
    {
        _delete.Bind(1, key);
        return _delete.Execute() > 0;
    });

    /// <summary>Applies a batch of upserts and deletes in one transaction: all of them or, on failure, none.</summary>
    public void Apply(IReadOnlyList<LongTermWrite> writes)
    {
        if (writes.Count == 0)
        {
            return;
        }

        Write(connection =>
        {
            using var transaction = connection.BeginTransaction();
            foreach (var write in writes)
            {
                if (write.Entry is not { } entry)
                {
                    _delete.Bind(1, write.Key);
                    _delete.Execute();
                    continue;
                }

                var (bytes, isCompressed) = Compress(entry.Payload);
                _upsert.Bind(1, entry.Key);
                _upsert.Bind(2, (long)entry.Kind);
                _upsert.Bind(3, bytes);
                _upsert.Bind(4, isCompressed ? 1L : 0L);
                _upsert.Bind(5, entry.Metadata);
                _upsert.Bind(6, (long)entry.Priority);
                _upsert.Bind(7, entry.CreatedTicks);
                _upsert.Bind(8, entry.UpdatedTicks);
                _upsert.Bind(9, entry.LastAccessTicks);
                _upsert.Bind(10, entry.ExpiresTicks);
                _upsert.Bind(11, entry.AccessCount);
                _upsert.Execute();
            }

            transaction.Commit();
            return 0;
        });
    }

    /// <summary>Records access statistics for rows that exist; rows that do not are ignored.</summary>
    public void UpdateAccess(IReadOnlyList<(string Key, long AccessCount, long LastAccessTicks)> updates)
    {
        if (updates.Count == 0)
        {
            return;
        }

        Write(connection =>
        {
            using var transaction = connection.BeginTransaction();
            foreach (var update in updates)
            {
                _touch.Bind(1, update.Key);
                _touch.Bind(2, update.AccessCount);
                _touch.Bind(3, update.LastAccessTicks);
                _touch.Execute();
            }

            transaction.Commit();
            return 0;
        });
    }

    /// <summary>Deletes every row; returns how many live rows there were.</summary>
    public long DeleteAll(long nowTicks) => Write(connection =>
    {
        using var transaction = connection.BeginTransaction();
        using var count = connection.CreateCommand();
        count.Transaction = transaction;
        count.CommandText = "SELECT count(*) FROM entries WHERE expires > $now;";
        count.Parameters.AddWithValue("$now", nowTicks);
        var live = (long)count.ExecuteScalar()!;
        using var delete = connection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = "DELETE FROM entries;";
        delete.ExecuteNonQuery();
        transaction.Commit();
        return live;
    });

    /// <summary>Deletes up to <paramref name="max"/> expired rows; returns how many.</summary>
    public int RemoveExpired(long nowTicks, int max) => Write(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM entries WHERE key IN (SELECT key FROM entries WHERE expires <= $now AND expires < 9223372036854775807 LIMIT $max);";
        command.Parameters.AddWithValue("$now", nowTicks);
        command.Parameters.AddWithValue("$max", max);
        return command.ExecuteNonQuery();
    });

    /// <summary>
    /// Live keys that start with <paramref name="prefix"/>, pass <paramref name="match"/> and sort (ordinally) after
    /// <paramref name="after"/>, in the database's key order. The rows form one read snapshot.
    /// </summary>
    public List<string> Keys(string prefix, Func<string, bool> match, string? after, long nowTicks) => Read(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT key FROM entries WHERE key >= $prefix AND expires > $now ORDER BY key;";
        command.Parameters.AddWithValue("$prefix", prefix);
        command.Parameters.AddWithValue("$now", nowTicks);
        using var reader = command.ExecuteReader();
        var keys = new List<string>();
        while (reader.Read())
        {
            var key = reader.GetString(0);
            if (!key.StartsWith(prefix, StringComparison.Ordinal))
            {
                break;
            }

            if ((after is null || string.CompareOrdinal(key, after) > 0) && match(key))
            {
                keys.Add(key);
            }
        }

        return keys;
    });

    /// <summary>Every live entry, read in one snapshot and handed to <paramref name="visit"/> row by row with its stored payload size (without the payload itself unless <paramref name="withPayload"/>).</summary>
    public void ForEach(long nowTicks, bool withPayload, Action<PersistedEntry, long> visit) => Read(connection =>
    {
        using var transaction = connection.BeginTransaction(deferred: true);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = withPayload
            ? $"SELECT {Columns} FROM entries WHERE expires > $now;"
            : "SELECT key, kind, zeroblob(0), 0, metadata, priority, created, updated, last_access, expires, access_count, length(payload) FROM entries WHERE expires > $now;";
        command.Parameters.AddWithValue("$now", nowTicks);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var entry = ReadEntry(reader);
            visit(entry, withPayload ? entry.Payload.Length : reader.GetInt64(11));
        }

        return 0;
    });

    /// <summary>Opens a point-in-time cursor over every live row (its own connection; the snapshot is fixed on return).</summary>
    public EntrySnapshot OpenSnapshot(long nowTicks)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            var snapshot = new SqliteSnapshot(connection, $"SELECT {Columns} FROM entries WHERE expires > $now ORDER BY key;", nowTicks, ReadEntry);
            return new EntrySnapshot(snapshot.Rows(), snapshot);
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            throw new MemoryStorageException($"The long-term tier '{Path}' could not open a snapshot: {ex.Message}", ex);
        }
    }

    /// <summary>Replaces every row with <paramref name="entries"/> in one transaction: all of them or, on failure, nothing changes.</summary>
    public void ReplaceAll(IEnumerable<PersistedEntry> entries) => Write(connection =>
    {
        using var transaction = connection.BeginTransaction();
        using (var clear = connection.CreateCommand())
        {
            clear.Transaction = transaction;
            clear.CommandText = "DELETE FROM entries;";
            clear.ExecuteNonQuery();
        }

        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"INSERT OR REPLACE INTO entries ({Columns}) VALUES ($key, $kind, $payload, $compressed, $metadata, $priority, $created, $updated, $last_access, $expires, $access_count);";
        foreach (var entry in entries)
        {
            var (bytes, isCompressed) = Compress(entry.Payload);
            insert.Parameters.Clear();
            insert.Parameters.AddWithValue("$key", entry.Key);
            insert.Parameters.AddWithValue("$kind", (int)entry.Kind);
            insert.Parameters.AddWithValue("$payload", bytes);
            insert.Parameters.AddWithValue("$compressed", isCompressed ? 1 : 0);
            insert.Parameters.AddWithValue("$metadata", (object?)entry.Metadata ?? DBNull.Value);
            insert.Parameters.AddWithValue("$priority", (int)entry.Priority);
            insert.Parameters.AddWithValue("$created", entry.CreatedTicks);
            insert.Parameters.AddWithValue("$updated", entry.UpdatedTicks);
            insert.Parameters.AddWithValue("$last_access", entry.LastAccessTicks);
            insert.Parameters.AddWithValue("$expires", entry.ExpiresTicks);
            insert.Parameters.AddWithValue("$access_count", entry.AccessCount);
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
        return 0;
    });

    private (byte[] Bytes, bool Compressed) Compress(byte[] payload)
    {
        if (_compressionThreshold is not { } threshold || payload.Length < threshold)
        {
            return (payload, false);
        }

        var compressed = MessagePackSerializer.Serialize(payload, CompressionOptions);
        return compressed.Length < payload.Length ? (compressed, true) : (payload, false);
    }

    private PersistedEntry ReadEntry(RawStatement row)
    {
        var key = row.Text(0);
        return new PersistedEntry(
            key,
            (MemoryEntryKind)row.Int64(1),
            Decompress(key, row.Blob(2) ?? [], row.Int64(3) != 0),
            row.Blob(4),
            (MemoryPriority)row.Int64(5),
            row.Int64(6),
            row.Int64(7),
            row.Int64(8),
            row.Int64(9),
            row.Int64(10));
    }

    private byte[] Decompress(string key, byte[] payload, bool compressed)
    {
        if (!compressed)
        {
            return payload;
        }

        try
        {
            return MessagePackSerializer.Deserialize<byte[]>(payload, CompressionOptions);
        }
        catch (MessagePackSerializationException ex)
        {
            throw new MemoryStorageException(key, $"The compressed value for key '{key}' in '{Path}' is corrupt: {ex.Message}", ex);
        }
    }

    private PersistedEntry ReadEntry(SqliteDataReader reader)
    {
        var key = reader.GetString(0);
        var payload = (byte[])reader.GetValue(2);
        if (reader.GetInt64(3) != 0)
        {
            try
            {
                payload = MessagePackSerializer.Deserialize<byte[]>(payload, CompressionOptions);
            }
            catch (MessagePackSerializationException ex)
            {
                throw new MemoryStorageException(key, $"The compressed value for key '{key}' in '{Path}' is corrupt: {ex.Message}", ex);
            }
        }

        return new PersistedEntry(
            key,
            (MemoryEntryKind)reader.GetInt32(1),
            payload,
            reader.IsDBNull(4) ? null : (byte[])reader.GetValue(4),
            (MemoryPriority)reader.GetInt32(5),
            reader.GetInt64(6),
            reader.GetInt64(7),
            reader.GetInt64(8),
            reader.GetInt64(9),
            reader.GetInt64(10));
    }
}
