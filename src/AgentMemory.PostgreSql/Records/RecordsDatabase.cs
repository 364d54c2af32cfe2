using AgentMemory.PostgreSql.Migrations;
using Npgsql;

namespace AgentMemory.PostgreSql.Records;

/// <summary>
/// What every record store shares: the data source, the schema, the command timeout, its component's migrations (run
/// once, before the first command), and the way a failed command becomes a <see cref="MemoryStorageException"/>.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="RunAsync{T}"/> retries a unit of work once when the server reported that it ended the session
/// (<c>57P01</c> admin shutdown, <c>57P02</c> crash shutdown, <c>57P03</c> cannot connect now: a backend terminated by an
/// administrator, or a server restarted with a fast shutdown): the pool's idle connections, which are likely dead too,
/// are cleared and the work runs again on a fresh connection. A terminated session aborts its open transaction, and
/// every unit of work is one transaction (an explicit one, or a single idempotent statement), so nothing of the failed
/// attempt remains; a failure during an explicit commit is reported, never retried, because its outcome is unknown.
/// Any other connection failure (a socket closed without a word, a timeout) clears the pool and is reported as a
/// <see cref="MemoryStorageException"/>: the next call gets a fresh connection.
/// </para>
/// <para>Thread-safe.</para>
/// </remarks>
internal sealed class RecordsDatabase
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly IReadOnlyList<PostgreSqlMigration> _migrations;
    private readonly bool _runMigrations;
    private readonly SemaphoreSlim _migrateGate = new(1, 1);
    private volatile bool _migrated;

    public RecordsDatabase(NpgsqlDataSource dataSource, PostgreSqlRecordsOptions options, IReadOnlyList<PostgreSqlMigration> migrations)
    {
        _dataSource = dataSource;
        _migrations = migrations;
        _runMigrations = options.RunMigrations;
        Schema = options.Schema;
        CommandTimeoutSeconds = Math.Max(1, (int)Math.Ceiling(options.CommandTimeout.TotalSeconds));
        Component = migrations[0].Component;
    }

    public string Schema { get; }

    public string Component { get; }

    public int CommandTimeoutSeconds { get; }

    public NpgsqlDataSource DataSource => _dataSource;

    /// <summary>Expands <c>{schema}</c>.</summary>
    public string Sql(string template) => PostgreSqlMigrator.Expand(template, Schema);

    public NpgsqlCommand Command(NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction = null) =>
        new(sql, connection, transaction) { CommandTimeout = CommandTimeoutSeconds };

    /// <summary>Runs one unit of work on a pooled connection, migrating first if needed; see the class remarks for the retry.</summary>
    public async ValueTask<T> RunAsync<T>(string what, Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    return await work(connection, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (PostgresException ex) when (attempt == 1 && IsTerminatedSession(ex) && !cancellationToken.IsCancellationRequested)
            {
                // The pool handed out a connection whose backend is gone; every idle one is likely gone too.
                _dataSource.Clear();
            }
            catch (NpgsqlException ex)
            {
                if (ex is PostgresException pg ? IsTerminatedSession(pg) : ex.InnerException is IOException or System.Net.Sockets.SocketException)
                {
                    _dataSource.Clear();
                }

                throw Failed(what, ex);
            }
            catch (TimeoutException ex)
            {
                throw Failed(what, ex);
            }
        }
    }

    /// <summary>Runs a query and maps every row, closing the reader asynchronously (a synchronous close may block on the socket).</summary>
    public static async Task<List<T>> ReadAllAsync<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken)
    {
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var rows = new List<T>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(map(reader));
            }

            return rows;
        }
    }

    /// <summary>Commits; a failure here has an unknown outcome, so it is reported rather than retried.</summary>
    public static async Task CommitAsync(NpgsqlTransaction transaction, string what, CancellationToken cancellationToken)
    {
        try
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw new MemoryStorageException($"PostgreSQL failed while committing ({what}); the outcome is unknown: {ex.Message}", ex);
        }
    }

    public async ValueTask EnsureMigratedAsync(CancellationToken cancellationToken)
    {
        if (_migrated || !_runMigrations)
        {
            return;
        }

        await _migrateGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_migrated)
            {
                return;
            }

            try
            {
                var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    await PostgreSqlMigrator.MigrateAsync(connection, Schema, _migrations, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (NpgsqlException ex)
            {
                throw Failed($"migrating the \"{Component}\" tables", ex);
            }

            _migrated = true;
        }
        finally
        {
            _migrateGate.Release();
        }
    }

    public MemoryStorageException Failed(string what, Exception inner) =>
        new($"PostgreSQL failed while {what} (schema \"{Schema}\", component \"{Component}\"): {inner.Message}", inner);

    /// <summary>A stable 64-bit advisory-lock key (string.GetHashCode is randomized per process, so FNV-1a).</summary>
    public static long LockKey(string name)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in name)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return unchecked((long)hash);
    }

    private static bool IsTerminatedSession(PostgresException ex) =>
        ex.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow;
}
