using System.Globalization;
using System.Runtime.InteropServices;
using AgentMemory.Serialization;
using Microsoft.Data.Sqlite;

namespace AgentMemory.Streaming;

// Reading and writing the change log's tables: loading the state at open, reserving sequence numbers, committing the
// buffer in one transaction and trimming to the bounds, and reading changes back for replay.
internal sealed partial class SqliteChangeLog
{
    private const int HasOld = 1;
    private const int HasNew = 2;

    /// <summary>Commits the buffered changes and trims to the bounds as of <paramref name="now"/>.</summary>
    /// <exception cref="MemoryStorageException">SQLite failed; the buffered changes are kept for the next flush.</exception>
    public void Flush(DateTimeOffset now)
    {
        lock (_writeGate)
        {
            if (_disposed)
            {
                return;
            }

            try
            {
                FlushLocked(now);
            }
            catch (SqliteException ex)
            {
                throw new MemoryStorageException($"The change log in '{Path}' failed a write: {ex.Message}", ex);
            }
        }
    }

    private void FlushInBackground()
    {
        Volatile.Write(ref _flushScheduled, 0);
        lock (_writeGate)
        {
            if (_disposed)
            {
                return;
            }

            try
            {
                FlushLocked(_time.GetUtcNow());
            }
            catch (SqliteException ex)
            {
                ChangeLogLog.FlushFailed(_logger, ex, Path);
            }
        }
    }

    /// <summary>Caller holds the write gate.</summary>
    private void FlushLocked(DateTimeOffset now)
    {
        List<MemoryChange> batch;
        lock (_bufferGate)
        {
            batch = _buffer;
            _buffer = [];
        }

        try
        {
            using var transaction = _connection.BeginTransaction();
            if (batch.Count > 0)
            {
                Insert(batch, transaction);
            }

            TrimLocked(now, transaction);
            transaction.Commit();
        }
        catch
        {
            // Keep the batch, in order, in front of anything appended meanwhile, so the next flush writes it.
            lock (_bufferGate)
            {
                batch.AddRange(_buffer);
                _buffer = batch;
            }

            throw;
        }
    }

    /// <summary>Rows per INSERT statement: one statement execution per many rows, which is what a commit mostly costs through ADO.NET.</summary>
    private const int RowsPerStatement = 32;

    private const int ColumnsPerRow = 8;

    private void Insert(List<MemoryChange> batch, SqliteTransaction transaction)
    {
        SqliteCommand? full = null;
        try
        {
            var index = 0;
            for (; batch.Count - index >= RowsPerStatement; index += RowsPerStatement)
            {
                full ??= InsertCommand(RowsPerStatement, transaction);
                Bind(full, batch, index, RowsPerStatement);
                full.ExecuteNonQuery();
            }

            if (index < batch.Count)
            {
                using var rest = InsertCommand(batch.Count - index, transaction);
                Bind(rest, batch, index, batch.Count - index);
                rest.ExecuteNonQuery();
            }
        }
        finally
        {
            full?.Dispose();
        }
    }

    private SqliteCommand InsertCommand(int rows, SqliteTransaction transaction)
    {
        var command = _connection.CreateCommand();
        command.Transaction = transaction;
        var sql = new System.Text.StringBuilder("INSERT OR REPLACE INTO change_log (seq, ts, key, type, flags, old_value, new_value, metadata) VALUES ");
        for (var row = 0; row < rows; row++)
        {
            sql.Append(row == 0 ? "(" : ", (");
            for (var column = 0; column < ColumnsPerRow; column++)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"$p{(row * ColumnsPerRow) + column}");
                sql.Append(column == 0 ? string.Empty : ", ").Append(name);
                command.Parameters.Add(name, column switch
                {
                    2 => SqliteType.Text,
                    5 or 6 or 7 => SqliteType.Blob,
                    _ => SqliteType.Integer,
                });
            }

            sql.Append(')');
        }

        command.CommandText = sql.Append(';').ToString();
        command.Prepare();
        return command;
    }

    private static void Bind(SqliteCommand command, List<MemoryChange> batch, int start, int rows)
    {
        var parameters = command.Parameters;
        for (var row = 0; row < rows; row++)
        {
            var change = batch[start + row];
            var at = row * ColumnsPerRow;
            parameters[at].Value = change.Sequence;
            parameters[at + 1].Value = change.Timestamp.UtcTicks;
            parameters[at + 2].Value = change.Key;
            parameters[at + 3].Value = (int)change.ChangeType;
            parameters[at + 4].Value = (change.OldValue is null ? 0 : HasOld) | (change.NewValue is null ? 0 : HasNew);
            parameters[at + 5].Value = Blob(change.OldValue);
            parameters[at + 6].Value = Blob(change.NewValue);
            parameters[at + 7].Value = (object?)MetadataCodec.Encode(change.Metadata) ?? DBNull.Value;
        }
    }

    /// <summary>Deletes what the count and age bounds (and changes dropped from an overfull buffer) no longer allow, and records the trim point.</summary>
    private void TrimLocked(DateTimeOffset now, SqliteTransaction transaction)
    {
        // Only the bounds delete rows. (Changes dropped from an overfull buffer are newer than every row, so the count
        // bound removes all rows at this flush anyway; the trim point an unclean restart sets keeps its rows for
        // replays that allow a gap.)
        var cut = (Sequence: 0L, Ticks: 0L);
        using (var command = _connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT seq, ts FROM change_log ORDER BY seq DESC LIMIT 1 OFFSET $max;";
            command.Parameters.AddWithValue("$max", _maxCount);
            cut = Later(cut, command);
        }

        if (_maxAgeTicks is { } age)
        {
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT seq, ts FROM change_log WHERE ts < $oldest ORDER BY seq DESC LIMIT 1;";
            command.Parameters.AddWithValue("$oldest", now.UtcTicks - age);
            cut = Later(cut, command);
        }

        if (cut.Sequence > 0)
        {
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM change_log WHERE seq <= $cut;";
            command.Parameters.AddWithValue("$cut", cut.Sequence);
            command.ExecuteNonQuery();
            MarkTrimmed(cut.Sequence, cut.Ticks);
        }

        long trimmedSequence, trimmedTicks;
        lock (_bufferGate)
        {
            (trimmedSequence, trimmedTicks) = (_trimmedThroughSequence, _trimmedThroughTicks);
        }

        if (trimmedSequence > _persistedTrimmedSequence)
        {
            SetState("trimmed_seq", trimmedSequence, transaction);
            SetState("trimmed_ts", trimmedTicks, transaction);
            _persistedTrimmedSequence = trimmedSequence;
        }

        static (long Sequence, long Ticks) Later((long Sequence, long Ticks) cut, SqliteCommand command)
        {
            using var reader = command.ExecuteReader();
            return reader.Read() && reader.GetInt64(0) > cut.Sequence ? (reader.GetInt64(0), reader.GetInt64(1)) : cut;
        }
    }

    private void Query(string sql, long a, long? b, Func<MemoryChange, bool> filter, List<MemoryChange> into)
    {
        lock (_writeGate)
        {
            if (_disposed)
            {
                return;
            }

            try
            {
                using var command = _connection.CreateCommand();
                command.CommandText = sql;
                command.Parameters.AddWithValue("$a", a);
                if (b is { } end)
                {
                    command.Parameters.AddWithValue("$b", end);
                }

                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    var flags = reader.GetInt32(4);
                    var change = new MemoryChange
                    {
                        Sequence = reader.GetInt64(0),
                        Timestamp = new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero),
                        Key = reader.GetString(2),
                        ChangeType = (MemoryChangeType)reader.GetInt32(3),
                        OldValue = (flags & HasOld) == 0 ? null : ReadBlob(reader, 5),
                        NewValue = (flags & HasNew) == 0 ? null : ReadBlob(reader, 6),
                        Metadata = reader.IsDBNull(7) ? null : MetadataCodec.Decode((byte[])reader.GetValue(7)).AsReadOnly(),
                    };
                    if (filter(change))
                    {
                        into.Add(change);
                    }
                }
            }
            catch (SqliteException ex)
            {
                throw new MemoryStorageException($"The change log in '{Path}' failed a read: {ex.Message}", ex);
            }
        }
    }

    /// <summary>Reads where the previous process left off; after an unclean stop, marks what may have been lost as trimmed.</summary>
    private void LoadState()
    {
        var reserved = GetState("reserved") ?? 0;
        var clean = GetState("clean") ?? 1;
        var trimmedSequence = GetState("trimmed_seq") ?? 0;
        var trimmedTicks = GetState("trimmed_ts") ?? 0;
        long maxSequence = 0, maxTicks = 0;
        using (var command = _connection.CreateCommand())
        {
            command.CommandText = "SELECT seq, ts FROM change_log ORDER BY seq DESC LIMIT 1;";
            using var reader = command.ExecuteReader();
            if (reader.Read())
            {
                maxSequence = reader.GetInt64(0);
                maxTicks = reader.GetInt64(1);
            }
        }

        var last = Math.Max(Math.Max(reserved, maxSequence), trimmedSequence);
        if (clean == 0 && last > Math.Max(maxSequence, trimmedSequence))
        {
            // The previous process stopped without closing the log: numbers up to `last` may have been handed out for
            // changes that were never committed. Replaying across that range could miss them, so it counts as trimmed.
            trimmedSequence = last;
            trimmedTicks = Math.Max(Math.Max(maxTicks, trimmedTicks), _time.GetUtcNow().UtcTicks);
            SetState("trimmed_seq", trimmedSequence);
            SetState("trimmed_ts", trimmedTicks);
        }

        _trimmedThroughSequence = trimmedSequence;
        _persistedTrimmedSequence = trimmedSequence;
        _trimmedThroughTicks = trimmedTicks;
        _reservedThrough = last;
        LastSequence = last;
        var lastTicks = Math.Max(maxTicks, trimmedTicks);
        LastTimestamp = lastTicks == 0 ? null : new DateTimeOffset(lastTicks, TimeSpan.Zero);
        SetState("clean", 0);
    }

    private void ReserveAhead()
    {
        try
        {
            Reserve(Volatile.Read(ref _reservedThrough) + ReservationBlock);
        }
        finally
        {
            Volatile.Write(ref _reserveScheduled, 0);
        }
    }

    /// <summary>Records that sequence numbers through <paramref name="through"/> may be handed out.</summary>
    private void Reserve(long through)
    {
        lock (_writeGate)
        {
            if (_disposed || through <= _reservedThrough)
            {
                return;
            }

            try
            {
                SetState("reserved", through);
                Volatile.Write(ref _reservedThrough, through);
            }
            catch (SqliteException ex)
            {
                // The store's write already happened; failing it now would not undo it. Retry at the next change.
                ChangeLogLog.ReserveFailed(_logger, ex, Path);
            }
        }
    }

    private long? GetState(string name, SqliteTransaction? transaction = null)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT value FROM change_log_state WHERE name = $name;";
        command.Parameters.AddWithValue("$name", name);
        return command.ExecuteScalar() is { } value ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : null;
    }

    private void SetState(string name, long value, SqliteTransaction? transaction = null)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT OR REPLACE INTO change_log_state (name, value) VALUES ($name, $value);";
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$value", value);
        command.ExecuteNonQuery();
    }

    /// <summary>The bytes to bind: the backing array itself when the memory spans all of it (a stored value), else a copy.</summary>
    private static object Blob(ReadOnlyMemory<byte>? value)
    {
        if (value is not { } bytes)
        {
            return DBNull.Value;
        }

        return MemoryMarshal.TryGetArray(bytes, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : bytes.ToArray();
    }

    private static ReadOnlyMemory<byte> ReadBlob(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? ReadOnlyMemory<byte>.Empty : (byte[])reader.GetValue(ordinal);
}
