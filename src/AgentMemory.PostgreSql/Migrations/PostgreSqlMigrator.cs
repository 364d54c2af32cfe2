using System.Globalization;
using Npgsql;

namespace AgentMemory.PostgreSql.Migrations;

/// <summary>
/// Applies a component's pending migrations in one transaction, recording each in <c>{schema}.schema_version</c>.
/// Idempotent: applied versions are skipped. Concurrent migrators (several processes starting at once) serialize on a
/// transaction-scoped advisory lock, so each version runs once. A database whose recorded version of the component is
/// newer than the library knows is refused with a <see cref="MemoryStorageException"/> rather than used.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
internal static class PostgreSqlMigrator
{
    /// <summary>Applies the pending migrations of one component and returns how many ran.</summary>
    /// <exception cref="MemoryStorageException">The database is newer than this library, or a migration failed (nothing of the batch is applied).</exception>
    public static int Migrate(NpgsqlConnection connection, string schema, IReadOnlyList<PostgreSqlMigration> migrations)
    {
        var component = Validate(migrations);
        try
        {
            using var transaction = connection.BeginTransaction();
            using (var prepare = Command(connection, transaction, PrepareSql(schema)))
            {
                prepare.Parameters.AddWithValue("lock", LockKey(schema));
                prepare.ExecuteNonQuery();
            }

            long current;
            using (var read = Command(connection, transaction, CurrentSql(schema)))
            {
                read.Parameters.AddWithValue("component", component);
                current = Convert.ToInt64(read.ExecuteScalar(), CultureInfo.InvariantCulture);
            }

            var pending = Pending(component, current, migrations);
            foreach (var migration in pending)
            {
                using var apply = Command(connection, transaction, Expand(migration.Sql, schema));
                apply.ExecuteNonQuery();
                using var record = Command(connection, transaction, RecordSql(schema));
                AddRecordParameters(record, migration);
                record.ExecuteNonQuery();
            }

            transaction.Commit();
            return pending.Count;
        }
        catch (NpgsqlException ex)
        {
            throw Failed(schema, component, ex);
        }
    }

    /// <inheritdoc cref="Migrate"/>
    public static async Task<int> MigrateAsync(NpgsqlConnection connection, string schema, IReadOnlyList<PostgreSqlMigration> migrations, CancellationToken cancellationToken = default)
    {
        var component = Validate(migrations);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                using (var prepare = Command(connection, transaction, PrepareSql(schema)))
                {
                    prepare.Parameters.AddWithValue("lock", LockKey(schema));
                    await prepare.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                long current;
                using (var read = Command(connection, transaction, CurrentSql(schema)))
                {
                    read.Parameters.AddWithValue("component", component);
                    current = Convert.ToInt64(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
                }

                var pending = Pending(component, current, migrations);
                foreach (var migration in pending)
                {
                    using var apply = Command(connection, transaction, Expand(migration.Sql, schema));
                    await apply.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    using var record = Command(connection, transaction, RecordSql(schema));
                    AddRecordParameters(record, migration);
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return pending.Count;
            }
        }
        catch (NpgsqlException ex)
        {
            throw Failed(schema, component, ex);
        }
    }

    /// <summary>The schema name quoted as an identifier.</summary>
    public static string Quote(string schema) => "\"" + schema.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Replaces <c>{schema}</c> in <paramref name="sql"/> with the quoted schema.</summary>
    public static string Expand(string sql, string schema) => sql.Replace("{schema}", Quote(schema), StringComparison.Ordinal);

    private static string Validate(IReadOnlyList<PostgreSqlMigration> migrations)
    {
        if (migrations.Count == 0)
        {
            throw new ArgumentException("At least one migration is required.", nameof(migrations));
        }

        var component = migrations[0].Component;
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Component != component || migrations[i].Version != i + 1)
            {
                throw new ArgumentException($"Migrations must be one component's versions 1..{migrations.Count} in order; item {i} is {migrations[i].Component} v{migrations[i].Version}.", nameof(migrations));
            }
        }

        return component;
    }

    private static List<PostgreSqlMigration> Pending(string component, long current, IReadOnlyList<PostgreSqlMigration> migrations)
    {
        if (current > migrations.Count)
        {
            throw new MemoryStorageException(
                $"The database's \"{component}\" schema is at version {current}, newer than this library supports ({migrations.Count}). Upgrade AgentMemory.PostgreSql, or use another schema.");
        }

        return [.. migrations.Skip((int)current)];
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql) => new(sql, connection, transaction);

    private static string PrepareSql(string schema) => Expand(
        """
        SELECT pg_advisory_xact_lock(@lock);
        CREATE SCHEMA IF NOT EXISTS {schema};
        CREATE TABLE IF NOT EXISTS {schema}.schema_version (
            component   text        NOT NULL,
            version     integer     NOT NULL,
            description text        NOT NULL,
            applied_at  timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (component, version));
        """, schema);

    private static string CurrentSql(string schema) =>
        Expand("SELECT COALESCE(MAX(version), 0) FROM {schema}.schema_version WHERE component = @component", schema);

    private static string RecordSql(string schema) =>
        Expand("INSERT INTO {schema}.schema_version (component, version, description) VALUES (@component, @version, @description)", schema);

    private static void AddRecordParameters(NpgsqlCommand command, PostgreSqlMigration migration)
    {
        command.Parameters.AddWithValue("component", migration.Component);
        command.Parameters.AddWithValue("version", migration.Version);
        command.Parameters.AddWithValue("description", migration.Description);
    }

    /// <summary>A stable 64-bit advisory-lock key per schema (string.GetHashCode is randomized per process, so FNV-1a).</summary>
    private static long LockKey(string schema)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in "agentmemory.migrations:" + schema)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return unchecked((long)hash);
    }

    private static MemoryStorageException Failed(string schema, string component, Exception inner) =>
        new($"Migrating the \"{component}\" tables in PostgreSQL schema \"{schema}\" failed: {inner.Message}", inner);
}
