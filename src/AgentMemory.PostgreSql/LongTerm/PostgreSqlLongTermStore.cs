using System.Data;
using AgentMemory.Persistence;
using AgentMemory.PostgreSql.Migrations;
using Npgsql;

namespace AgentMemory.PostgreSql.LongTerm;

/// <summary>
/// A long-term tier (<see cref="ILongTermStore"/>) in one PostgreSQL table, <c>{schema}.long_term_entries</c>: a row
/// per key with the payload (<c>bytea</c>, LZ4-compressed above a threshold), metadata as <c>jsonb</c> (GIN-indexed,
/// queryable with <see cref="FindKeysByMetadata"/> or plain SQL), priority, the created / updated / last-access /
/// expiry times and the access count. The table is created and upgraded by the library's versioned migrations
/// (component <c>long_term</c> in <c>{schema}.schema_version</c>). Put a <see cref="Tiers.TieredMemoryStore"/> over it
/// with <c>AddPostgreSqlPersistence</c>, or with <see cref="Tiers.TieredMemoryStore.Open(ILongTermStore, TieredStoreOptions, Storage.HotTierOptions, TimeProvider, IMemorySerializer, Microsoft.Extensions.Logging.ILoggerFactory)"/>.
/// </summary>
/// <remarks>
/// <para>
/// Thread-safe: every call borrows a connection from an <see cref="NpgsqlDataSource"/> pool. Calls are synchronous
/// (see <see cref="ILongTermStore"/> for why) and block for one round trip; a batch of writes is one round trip and
/// one transaction.
/// </para>
/// <para>
/// Failures surface as <see cref="MemoryStorageException"/> naming the server, database and schema. A call that finds
/// its pooled connection dead (the server restarted, or an administrator terminated the backend) empties the pool and
/// retries once on a fresh connection, so a restart costs no error once the server is back; while the server is down
/// calls fail fast with the reason.
/// </para>
/// </remarks>
public sealed partial class PostgreSqlLongTermStore : ILongTermStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _table;
    private readonly int? _compressionThreshold;
    private readonly Statements _sql;
    private volatile bool _disposed;

    private PostgreSqlLongTermStore(NpgsqlDataSource dataSource, string schema, string location, int? compressionThreshold)
    {
        _dataSource = dataSource;
        Schema = schema;
        _table = PostgreSqlMigrator.Quote(schema) + "." + LongTermMigrations.Table;
        Location = location;
        _compressionThreshold = compressionThreshold;
        _sql = new Statements(_table);
    }

    /// <inheritdoc />
    public string Location { get; }

    /// <summary>The schema that holds the table.</summary>
    public string Schema { get; }

    /// <summary>
    /// Connects to PostgreSQL, runs the long-term tier's pending migrations (unless
    /// <see cref="PostgreSqlMemoryOptions.RunMigrations"/> is off, in which case the schema must already be current) and
    /// returns the open store.
    /// </summary>
    /// <param name="options">Connection string, schema and command timeout; copied now.</param>
    /// <param name="compressionThreshold">Payloads of at least this many bytes are stored LZ4-compressed; null for never.</param>
    /// <returns>The open store; dispose it to close its connection pool.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid, or the connection string cannot be parsed; the message names it.</exception>
    /// <exception cref="MemoryStorageException">The server cannot be reached, a migration failed, or the schema is newer than this library or (without migrations) older.</exception>
    public static PostgreSqlLongTermStore Open(PostgreSqlMemoryOptions options, int? compressionThreshold = 4_096)
    {
        ArgumentNullException.ThrowIfNull(options);
        var copy = options.Clone();
        var errors = copy.Validate();
        if (compressionThreshold is < 1)
        {
            errors = [.. errors, $"The compression threshold must be at least 1 or null, but was {compressionThreshold}."];
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        NpgsqlDataSourceBuilder builder;
        try
        {
            builder = new NpgsqlDataSourceBuilder(copy.ConnectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new ArgumentException($"PostgreSqlMemoryOptions.ConnectionString is not a valid Npgsql connection string: {ex.Message}", nameof(options), ex);
        }

        builder.ConnectionStringBuilder.CommandTimeout = Math.Max(1, (int)Math.Ceiling(copy.CommandTimeout.TotalSeconds));
        builder.ConnectionStringBuilder.ApplicationName ??= "AgentMemory";
        var csb = builder.ConnectionStringBuilder;
        var location = $"PostgreSQL {csb.Host}:{csb.Port}/{csb.Database ?? csb.Username}, schema \"{copy.Schema}\"";
        var dataSource = builder.Build();
        try
        {
            using (var connection = dataSource.OpenConnection())
            {
                if (copy.RunMigrations)
                {
                    PostgreSqlMigrator.Migrate(connection, copy.Schema, LongTermMigrations.All);
                }
                else
                {
                    var version = CurrentVersion(connection, copy.Schema);
                    if (version != LongTermMigrations.All.Count)
                    {
                        throw new MemoryStorageException($"The long-term tier in {location} is at schema version {version}, but this library needs version {LongTermMigrations.All.Count}; run the migrations (PostgreSqlMemoryOptions.RunMigrations = true) once.");
                    }
                }
            }

            return new PostgreSqlLongTermStore(dataSource, copy.Schema, location, compressionThreshold);
        }
        catch (NpgsqlException ex)
        {
            dataSource.Dispose();
            throw new MemoryStorageException($"The long-term tier in {location} cannot be opened: {ex.Message}", ex);
        }
        catch
        {
            dataSource.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    /// <remarks>Reports <c>ok</c> when the server answers and the long-term schema is at the version this library uses.</remarks>
    public string IntegrityCheck() => Run("check the schema", connection =>
    {
        var version = CurrentVersion(connection, Schema);
        return version == LongTermMigrations.All.Count
            ? "ok"
            : $"the long-term schema is at version {version}, expected {LongTermMigrations.All.Count}";
    });

    /// <summary>Closes the connection pool. Idempotent.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _dataSource.Dispose();
    }

    private static long CurrentVersion(NpgsqlConnection connection, string schema)
    {
        using var command = new NpgsqlCommand(
            PostgreSqlMigrator.Expand("SELECT CASE WHEN to_regclass('{schema}.schema_version') IS NULL THEN 0 ELSE (SELECT 1) END", schema), connection);
        if (Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            return 0;
        }

        using var version = new NpgsqlCommand(PostgreSqlMigrator.Expand("SELECT COALESCE(MAX(version), 0) FROM {schema}.schema_version WHERE component = @component", schema), connection);
        version.Parameters.AddWithValue("component", LongTermMigrations.Component);
        return Convert.ToInt64(version.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Runs <paramref name="action"/> on a pooled connection. A connection found dead (server restarted, backend
    /// terminated) empties the pool and the action is retried once on a fresh connection: every action is idempotent
    /// (absolute upserts, deletes, max-merges) and a failed one has changed nothing.
    /// </summary>
    private T Run<T>(string operation, Func<NpgsqlConnection, T> action, Func<bool>? canRetry = null, bool keepConnection = false)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        for (var attempt = 0; ; attempt++)
        {
            NpgsqlConnection? connection = null;
            try
            {
                connection = _dataSource.OpenConnection();
                var result = action(connection);
                if (keepConnection)
                {
                    connection = null;
                }

                return result;
            }
            catch (NpgsqlException ex) when (attempt == 0 && IsConnectionLoss(ex, connection) && (canRetry?.Invoke() ?? true))
            {
                _dataSource.Clear();
            }
            catch (NpgsqlException ex)
            {
                throw new MemoryStorageException($"The long-term tier in {Location} could not {operation}: {ex.Message}", ex);
            }
            finally
            {
                connection?.Dispose();
            }
        }
    }

    private static bool IsConnectionLoss(NpgsqlException ex, NpgsqlConnection? connection)
    {
        if (ex.InnerException is TimeoutException)
        {
            return false;
        }

        if (connection is not null && (connection.FullState & ConnectionState.Broken) != 0)
        {
            return true;
        }

        return ex is PostgresException pg
            ? pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState is "57P01" or "57P02" or "57P03"
            : ex.IsTransient;
    }
}
