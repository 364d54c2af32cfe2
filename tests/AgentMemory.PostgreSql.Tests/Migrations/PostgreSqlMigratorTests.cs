using AgentMemory.PostgreSql.Migrations;
using AgentMemory.PostgreSql.Tests.Infrastructure;
using Npgsql;

namespace AgentMemory.PostgreSql.Tests.Migrations;

[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlMigratorTests(PostgresServerFixture fixture)
{
    private static readonly PostgreSqlMigration[] TwoVersions =
    [
        new("widgets", 1, "create widgets", "CREATE TABLE {schema}.widgets (id int PRIMARY KEY)"),
        new("widgets", 2, "add name", "ALTER TABLE {schema}.widgets ADD COLUMN name text"),
    ];

    [SkippableFact]
    public async Task Migrate_AppliesEachVersionOnce_AndIsIdempotent()
    {
        var schema = PostgresServerFixture.UniqueSchema("idem");
        await using var connection = await OpenAsync();

        (await PostgreSqlMigrator.MigrateAsync(connection, schema, TwoVersions[..1])).Should().Be(1);
        (await PostgreSqlMigrator.MigrateAsync(connection, schema, TwoVersions)).Should().Be(1);
        PostgreSqlMigrator.Migrate(connection, schema, TwoVersions).Should().Be(0);

        await using var insert = new NpgsqlCommand(PostgreSqlMigrator.Expand("INSERT INTO {schema}.widgets VALUES (1, 'a') RETURNING name", schema), connection);
        (await insert.ExecuteScalarAsync()).Should().Be("a");
        await using var versions = new NpgsqlCommand(PostgreSqlMigrator.Expand("SELECT string_agg(version::text, ',' ORDER BY version) FROM {schema}.schema_version WHERE component = 'widgets'", schema), connection);
        (await versions.ExecuteScalarAsync()).Should().Be("1,2");
    }

    [SkippableFact]
    public async Task Migrate_RefusesADatabaseNewerThanTheLibrary()
    {
        var schema = PostgresServerFixture.UniqueSchema("newer");
        await using var connection = await OpenAsync();
        await PostgreSqlMigrator.MigrateAsync(connection, schema, TwoVersions);

        var act = () => PostgreSqlMigrator.MigrateAsync(connection, schema, TwoVersions[..1]);

        (await act.Should().ThrowAsync<MemoryStorageException>()).Which.Message.Should().Contain("version 2, newer than this library supports (1)");
    }

    [SkippableFact]
    public async Task Migrate_AFailingVersion_LeavesNothingOfTheBatch()
    {
        var schema = PostgresServerFixture.UniqueSchema("fail");
        await using var connection = await OpenAsync();
        PostgreSqlMigration[] broken = [TwoVersions[0], new("widgets", 2, "broken", "ALTER TABLE {schema}.nope ADD COLUMN x int")];

        var act = () => PostgreSqlMigrator.MigrateAsync(connection, schema, broken);

        (await act.Should().ThrowAsync<MemoryStorageException>()).Which.Message.Should().Contain("\"widgets\"");
        await using var exists = new NpgsqlCommand("SELECT to_regclass(@name) IS NOT NULL", connection);
        exists.Parameters.AddWithValue("name", $"{schema}.widgets");
        (await exists.ExecuteScalarAsync()).Should().Be(false);
    }

    [SkippableFact]
    public async Task Migrate_ConcurrentMigrators_ApplyEachVersionExactlyOnce()
    {
        var schema = PostgresServerFixture.UniqueSchema("race");
        var connectionString = await ConnectionStringAsync();
        using var start = new Barrier(4);
        var applied = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            start.SignalAndWait();
            return await PostgreSqlMigrator.MigrateAsync(connection, schema, TwoVersions);
        })));

        applied.Sum().Should().Be(2);
    }

    [Fact]
    public void Migrate_RejectsMigrationsOutOfOrder()
    {
        PostgreSqlMigration[] gap = [TwoVersions[1]];

        var act = () => PostgreSqlMigrator.Migrate(null!, "s", gap);

        act.Should().Throw<ArgumentException>().WithMessage("*versions 1..1 in order*");
    }

    private async Task<string> ConnectionStringAsync() => await fixture.Server.CreateDatabaseAsync("migrations");

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(await ConnectionStringAsync());
        await connection.OpenAsync();
        return connection;
    }
}
