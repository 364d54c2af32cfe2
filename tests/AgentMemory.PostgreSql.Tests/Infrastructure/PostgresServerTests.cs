using Npgsql;

namespace AgentMemory.PostgreSql.Tests.Infrastructure;

/// <summary>The fixture itself: a real cluster that answers, gives each test its own database, and survives a restart.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresServerTests(PostgresServerFixture fixture)
{
    [SkippableFact]
    public async Task Server_CreatesDatabases_AndRestarts()
    {
        var server = fixture.Server;
        var connectionString = await server.CreateDatabaseAsync(nameof(Server_CreatesDatabases_AndRestarts));
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE TABLE t (id int primary key, v text); INSERT INTO t VALUES (1, 'one');", connection);
            await create.ExecuteNonQueryAsync();
        }

        await server.StopAsync();
        await server.StartAgainAsync();
        NpgsqlConnection.ClearAllPools();
        await using var again = new NpgsqlConnection(connectionString);
        await again.OpenAsync();
        await using var read = new NpgsqlCommand("SELECT v FROM t WHERE id = 1", again);
        (await read.ExecuteScalarAsync()).Should().Be("one");
    }
}
