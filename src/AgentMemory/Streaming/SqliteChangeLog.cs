using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace AgentMemory.Streaming;

/// <summary>
/// A durable <see cref="IChangeLogStore"/>: the change log kept in the long-term tier's SQLite database, in tables of
/// its own (<c>change_log</c>, <c>change_log_state</c>) written through a connection of its own, so a restarted
/// process can still replay what was published before it stopped.
/// </summary>
/// <remarks>
/// <para>
/// Appends are buffered in memory and committed in batches (every <see cref="MemoryStreamingOptions.ChangeLogFlushInterval"/>,
/// as soon as <see cref="FlushBatchSize"/> changes are buffered, before any replay, and on dispose), so the store's
/// write path does not wait for SQLite. Sequence numbers are reserved in blocks of <see cref="ReservationBlock"/>
/// before they are handed out (one small write per block, made on the thread pool once half the current block is
/// used; synchronously only if that has not landed in time), so numbers are never reused after a restart, even after
/// a crash: a restarted log continues after the last reserved number.
/// </para>
/// <para>
/// Bounds: at most <c>maxCount</c> changes and, when set, none older than <c>maxAge</c> on the store's
/// <see cref="TimeProvider"/>; trimming runs at every flush. After a process that did not close the log (a crash),
/// changes buffered but not committed are lost, so the log marks everything up to the last reserved number as
/// trimmed: a replay from before that point needs <see cref="MemorySubscriptionOptions.AllowReplayGap"/>.
/// </para>
/// <para>
/// Thread-safe: <see cref="Append"/> and the replay members are called under the change feed's lock; the timer's
/// flushes serialize with them on the log's own locks (lock order: feed, then write gate, then buffer).
/// </para>
/// </remarks>
internal sealed partial class SqliteChangeLog : IChangeLogStore, IDisposable
{
    /// <summary>Changes buffered before a flush is started without waiting for the timer.</summary>
    internal const int FlushBatchSize = 512;

    /// <summary>How many sequence numbers one reservation write covers.</summary>
    internal const long ReservationBlock = 1024;

    private readonly object _writeGate = new();
    private readonly object _bufferGate = new();
    private readonly SqliteConnection _connection;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _maxCount;
    private readonly long? _maxAgeTicks;
    private readonly ITimer _flushTimer;
    private List<MemoryChange> _buffer = [];
    private long _reservedThrough;
    private long _trimmedThroughSequence;
    private long _trimmedThroughTicks;
    private long _persistedTrimmedSequence;
    private int _flushScheduled;
    private int _reserveScheduled;
    private volatile bool _disposed;

    private SqliteChangeLog(string path, SqliteConnection connection, int maxCount, TimeSpan? maxAge, TimeSpan flushInterval, TimeProvider time, ILogger logger)
    {
        Path = path;
        _connection = connection;
        _maxCount = maxCount;
        _maxAgeTicks = maxAge?.Ticks;
        _time = time;
        _logger = logger;
        var weak = new WeakReference<SqliteChangeLog>(this);
        _flushTimer = time.CreateTimer(static s => (((WeakReference<SqliteChangeLog>)s!).TryGetTarget(out var log) ? log : null)?.FlushInBackground(), weak, flushInterval, flushInterval);
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    public long TrimmedThroughSequence
    {
        get
        {
            lock (_bufferGate)
            {
                return _trimmedThroughSequence;
            }
        }
    }

    public DateTimeOffset? TrimmedThroughTimestamp
    {
        get
        {
            lock (_bufferGate)
            {
                return _trimmedThroughSequence == 0 ? null : new DateTimeOffset(_trimmedThroughTicks, TimeSpan.Zero);
            }
        }
    }

    /// <summary>The last sequence number a previous process may have handed out; the feed continues after it.</summary>
    public long LastSequence { get; private set; }

    /// <summary>The timestamp of the newest retained change when the log was opened; the feed's timestamps never go below it.</summary>
    public DateTimeOffset? LastTimestamp { get; private set; }

    /// <summary>Changes appended but not yet committed.</summary>
    internal int Buffered
    {
        get
        {
            lock (_bufferGate)
            {
                return _buffer.Count;
            }
        }
    }

    /// <summary>
    /// Opens the change log in the AgentMemory database at <paramref name="path"/> (the long-term tier's file, which
    /// must already exist), creating the log's tables when missing.
    /// </summary>
    /// <exception cref="MemoryStorageException">The file is missing, not a SQLite database, not an AgentMemory database, or corrupt.</exception>
    public static SqliteChangeLog Open(string path, int maxCount, TimeSpan? maxAge, TimeSpan flushInterval, TimeProvider time, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new MemoryStorageException($"There is no AgentMemory database at '{full}' to keep the change log in; open the long-term tier first.");
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWrite,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA busy_timeout=30000;");
            CheckOwner(connection, full);
            Execute(connection, """
                CREATE TABLE IF NOT EXISTS change_log (
                    seq INTEGER PRIMARY KEY,
                    ts INTEGER NOT NULL,
                    key TEXT NOT NULL,
                    type INTEGER NOT NULL,
                    flags INTEGER NOT NULL,
                    old_value BLOB,
                    new_value BLOB,
                    metadata BLOB
                );
                CREATE INDEX IF NOT EXISTS change_log_ts ON change_log(ts);
                CREATE TABLE IF NOT EXISTS change_log_state (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
                """);
            var log = new SqliteChangeLog(full, connection, maxCount, maxAge, flushInterval, time, logger);
            log.LoadState();
            return log;
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            throw new MemoryStorageException($"The change log cannot be opened in '{full}': {ex.Message}", ex);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public void Append(MemoryChange change)
    {
        if (_disposed)
        {
            return;
        }

        var reserved = Volatile.Read(ref _reservedThrough);
        if (change.Sequence > reserved)
        {
            // The reservation ahead did not land in time (or failed): reserve now, before the number is used.
            Reserve(change.Sequence + ReservationBlock - 1);
        }
        else if (change.Sequence > reserved - (ReservationBlock / 2) && Interlocked.CompareExchange(ref _reserveScheduled, 1, 0) == 0)
        {
            // Half the block is used: reserve the next one on the thread pool, so the writer never waits for SQLite.
            ThreadPool.UnsafeQueueUserWorkItem(static log => log.ReserveAhead(), this, preferLocal: false);
        }

        int count;
        lock (_bufferGate)
        {
            _buffer.Add(change);
            if (_buffer.Count > _maxCount)
            {
                // More than the whole log is waiting: the oldest buffered change would be trimmed at the flush anyway.
                var dropped = _buffer[0];
                _buffer.RemoveAt(0);
                MarkTrimmed(dropped.Sequence, dropped.Timestamp.UtcTicks);
            }

            count = _buffer.Count;
        }

        if (count >= FlushBatchSize && Interlocked.CompareExchange(ref _flushScheduled, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static log => log.FlushInBackground(), this, preferLocal: false);
        }
    }

    public void Trim(DateTimeOffset now) => Flush(now);

    public void CopyFrom(long fromSequence, Func<MemoryChange, bool> filter, List<MemoryChange> into)
    {
        Flush(_time.GetUtcNow());
        Query("SELECT seq, ts, key, type, flags, old_value, new_value, metadata FROM change_log WHERE seq >= $a ORDER BY seq;", fromSequence, null, filter, into);
    }

    public void CopyRange(DateTimeOffset from, DateTimeOffset to, Func<MemoryChange, bool> filter, List<MemoryChange> into)
    {
        Flush(_time.GetUtcNow());
        Query("SELECT seq, ts, key, type, flags, old_value, new_value, metadata FROM change_log WHERE ts >= $a AND ts <= $b ORDER BY seq;", from.UtcTicks, to.UtcTicks, filter, into);
    }

    /// <summary>Commits the buffered changes, records a clean close, and closes the connection. Idempotent.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _flushTimer.Dispose();
        lock (_writeGate)
        {
            if (_disposed)
            {
                return;
            }

            try
            {
                FlushLocked(_time.GetUtcNow());
                SetState("clean", 1);
            }
            catch (SqliteException ex)
            {
                ChangeLogLog.FlushFailed(_logger, ex, Path);
            }
            finally
            {
                _disposed = true;
                _connection.Dispose();
            }
        }
    }

    private static void CheckOwner(SqliteConnection connection, string path)
    {
        var hasMeta = Convert.ToInt64(Scalar(connection, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='agentmemory_meta';"), CultureInfo.InvariantCulture) > 0;
        var format = hasMeta ? Scalar(connection, "SELECT value FROM agentmemory_meta WHERE name='format';") as string : null;
        if (!string.Equals(format, "agentmemory", StringComparison.Ordinal))
        {
            throw new MemoryStorageException($"The database '{path}' is not an AgentMemory store, so the change log was not created in it; it was left untouched.");
        }
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    /// <summary>Records that everything through <paramref name="sequence"/> is gone. Takes the buffer lock (callers may hold the write gate).</summary>
    private void MarkTrimmed(long sequence, long ticks)
    {
        lock (_bufferGate)
        {
            if (sequence > _trimmedThroughSequence)
            {
                _trimmedThroughSequence = sequence;
                _trimmedThroughTicks = Math.Max(ticks, _trimmedThroughTicks);
            }
        }
    }
}
