using System.Collections.Concurrent;
using AgentMemory.Storage;
using Microsoft.Data.Sqlite;

namespace AgentMemory.Persistence.Sqlite;

/// <summary>
/// The durable long-term tier: one SQLite database in WAL mode holding a row per entry (key, kind, payload, metadata,
/// priority, created / updated / last-access / expiry times, access count). Payloads above a threshold are stored
/// LZ4-compressed. One writer connection serializes writes; reads use a small pool of their own connections and run
/// concurrently with writes (WAL snapshots).
/// </summary>
/// <remarks>Thread-safe. Every SQLite failure surfaces as a <see cref="MemoryStorageException"/> naming the file.</remarks>
internal sealed partial class SqliteLongTermStore : ILongTermStore
{
    private const int SchemaVersion = 1;
    private const string FormatName = "agentmemory";
    private static readonly byte[] SqliteMagic = "SQLite format 3\0"u8.ToArray();

    private readonly SqliteConnection _writer;
    private readonly object _writeLock = new();
    private readonly ConcurrentBag<ReaderSession> _readers = [];
    private ReaderSession? _idleReader;
    private readonly RawStatement _upsert;
    private readonly RawStatement _delete;
    private readonly RawStatement _touch;
    private readonly string _connectionString;
    private readonly int? _compressionThreshold;
    private volatile bool _disposed;

    private SqliteLongTermStore(string path, SqliteConnection writer, string connectionString, int? compressionThreshold)
    {
        Path = path;
        _writer = writer;
        _connectionString = connectionString;
        _compressionThreshold = compressionThreshold;
        // An upsert rewrites an existing row in place; INSERT OR REPLACE would delete it and insert it again.
        _upsert = new RawStatement(writer, $"INSERT INTO entries ({Columns}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT(key) DO UPDATE SET kind = excluded.kind, payload = excluded.payload, compressed = excluded.compressed, metadata = excluded.metadata, priority = excluded.priority, created = excluded.created, updated = excluded.updated, last_access = excluded.last_access, expires = excluded.expires, access_count = excluded.access_count;");
        _delete = new RawStatement(writer, "DELETE FROM entries WHERE key = ?1;");
        _touch = new RawStatement(writer, "UPDATE entries SET access_count = max(access_count, ?2), last_access = max(last_access, ?3) WHERE key = ?1;");
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public string Location => Path;

    /// <summary>
    /// Opens (creating when missing) the database at <paramref name="path"/>, checks that it is an AgentMemory
    /// database of a supported version and, when <paramref name="verify"/> is set, that SQLite finds it intact.
    /// </summary>
    /// <param name="path">The database file.</param>
    /// <param name="synchronousFull">Whether every commit is flushed to stable storage (<c>PRAGMA synchronous=FULL</c>) rather than at WAL checkpoints.</param>
    /// <param name="compressionThreshold">Payloads of at least this many bytes are stored compressed; null for never.</param>
    /// <param name="verify">Whether to run <c>PRAGMA quick_check</c> when opening.</param>
    /// <exception cref="MemoryStorageException">The file is not a SQLite database, belongs to something else, has an unsupported version, or is corrupt.</exception>
    public static SqliteLongTermStore Open(string path, bool synchronousFull, int? compressionThreshold, bool verify)
    {
        var full = System.IO.Path.GetFullPath(path);
        CheckHeader(full);
        var directory = System.IO.Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
        var writer = new SqliteConnection(connectionString);
        try
        {
            writer.Open();
            Execute(writer, "PRAGMA busy_timeout=30000;");
            var mode = Scalar(writer, "PRAGMA journal_mode=WAL;") as string;
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new MemoryStorageException($"The database '{full}' could not be switched to WAL mode (journal mode is '{mode}').");
            }

            Execute(writer, synchronousFull ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;");
            Execute(writer, "PRAGMA cache_size=-16384;");
            EnsureSchema(writer, full);
            if (verify)
            {
                var check = Scalar(writer, "PRAGMA quick_check;") as string;
                if (!string.Equals(check, "ok", StringComparison.Ordinal))
                {
                    throw new MemoryStorageException($"The database '{full}' is corrupt: SQLite's integrity check reports '{check}'. Restore it from a backup.");
                }
            }
        }
        catch (SqliteException ex)
        {
            writer.Dispose();
            throw new MemoryStorageException($"The database '{full}' cannot be opened as an AgentMemory store: {ex.Message}", ex);
        }
        catch
        {
            writer.Dispose();
            throw;
        }

        return new SqliteLongTermStore(full, writer, connectionString, compressionThreshold);
    }

    /// <summary>Runs SQLite's full integrity check and returns its report (<c>ok</c> when intact).</summary>
    public string IntegrityCheck() => Write(c => Scalar(c, "PRAGMA integrity_check;") as string ?? string.Empty);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        lock (_writeLock)
        {
            _disposed = true;
            try
            {
                Execute(_writer, "PRAGMA wal_checkpoint(TRUNCATE);");
            }
            catch (SqliteException)
            {
                // A checkpoint is an optimization; the WAL is replayed on the next open.
            }

            _upsert.Dispose();
            _delete.Dispose();
            _touch.Dispose();
            _writer.Dispose();
        }

        Interlocked.Exchange(ref _idleReader, null)?.Dispose();
        while (_readers.TryTake(out var reader))
        {
            reader.Dispose();
        }
    }

    private static void CheckHeader(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        Span<byte> header = stackalloc byte[16];
        int read;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }
        catch (IOException ex)
        {
            throw new MemoryStorageException($"The database '{path}' cannot be read: {ex.Message}", ex);
        }

        if (read > 0 && (read < header.Length || !header.SequenceEqual(SqliteMagic)))
        {
            throw new MemoryStorageException($"The file '{path}' is not a SQLite database, so it cannot be an AgentMemory store; move it away or choose another path.");
        }
    }

    private static void EnsureSchema(SqliteConnection connection, string path)
    {
        var hasMeta = Convert.ToInt64(Scalar(connection, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='agentmemory_meta';"), System.Globalization.CultureInfo.InvariantCulture) > 0;
        if (!hasMeta)
        {
            var tables = Convert.ToInt64(Scalar(connection, "SELECT count(*) FROM sqlite_master WHERE type='table';"), System.Globalization.CultureInfo.InvariantCulture);
            if (tables > 0)
            {
                throw new MemoryStorageException($"The database '{path}' belongs to another application (it has tables but no AgentMemory schema); it was left untouched.");
            }

            using var transaction = connection.BeginTransaction();
            Execute(connection, """
                CREATE TABLE agentmemory_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
                CREATE TABLE entries (
                    key TEXT PRIMARY KEY,
                    kind INTEGER NOT NULL,
                    payload BLOB NOT NULL,
                    compressed INTEGER NOT NULL,
                    metadata BLOB,
                    priority INTEGER NOT NULL,
                    created INTEGER NOT NULL,
                    updated INTEGER NOT NULL,
                    last_access INTEGER NOT NULL,
                    expires INTEGER NOT NULL,
                    access_count INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX entries_expires ON entries(expires) WHERE expires < 9223372036854775807;
                """, transaction);
            Execute(connection, $"INSERT INTO agentmemory_meta(name, value) VALUES ('format', '{FormatName}'), ('schema_version', '{SchemaVersion}');", transaction);
            transaction.Commit();
            return;
        }

        var format = Scalar(connection, "SELECT value FROM agentmemory_meta WHERE name='format';") as string;
        var version = Scalar(connection, "SELECT value FROM agentmemory_meta WHERE name='schema_version';") as string;
        if (!string.Equals(format, FormatName, StringComparison.Ordinal))
        {
            throw new MemoryStorageException($"The database '{path}' is not an AgentMemory store (format '{format}').");
        }

        if (!string.Equals(version, SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))
        {
            throw new MemoryStorageException($"The database '{path}' has schema version {version}, but this version of AgentMemory reads version {SchemaVersion}.");
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

    private T Write<T>(Func<SqliteConnection, T> action)
    {
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                return action(_writer);
            }
            catch (SqliteException ex)
            {
                throw new MemoryStorageException($"The long-term tier '{Path}' failed a write: {ex.Message}", ex);
            }
        }
    }

    private T Read<T>(Func<SqliteConnection, T> action) => ReadSession(session => action(session.Connection));

    private T ReadSession<T>(Func<ReaderSession, T> action)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);

        // One idle session in a plain field serves the common single-reader case without the bag's bookkeeping.
        var session = Interlocked.Exchange(ref _idleReader, null);
        if (session is null && !_readers.TryTake(out session))
        {
            var connection = new SqliteConnection(_connectionString);
            try
            {
                connection.Open();
                Execute(connection, "PRAGMA busy_timeout=30000;");
                session = new ReaderSession(connection, Columns);
            }
            catch (SqliteException ex)
            {
                connection.Dispose();
                throw new MemoryStorageException($"The long-term tier '{Path}' could not open a read connection: {ex.Message}", ex);
            }
        }

        try
        {
            return action(session);
        }
        catch (SqliteException ex)
        {
            session.Dispose();
            session = null;
            throw new MemoryStorageException($"The long-term tier '{Path}' failed a read: {ex.Message}", ex);
        }
        finally
        {
            if (session is not null)
            {
                if (_disposed)
                {
                    session.Dispose();
                }
                else if (Interlocked.CompareExchange(ref _idleReader, session, null) is not null)
                {
                    _readers.Add(session);
                }

                if (_disposed && Interlocked.Exchange(ref _idleReader, null) is { } idle)
                {
                    // Dispose ran while this read was returning its session.
                    idle.Dispose();
                }
            }
        }
    }
}
