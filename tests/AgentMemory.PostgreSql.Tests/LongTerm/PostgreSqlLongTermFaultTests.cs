using AgentMemory.PostgreSql.Tests.Infrastructure;
using AgentMemory.Tiers;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace AgentMemory.PostgreSql.Tests.LongTerm;

[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlLongTermFaultTests(PostgresServerFixture fixture)
{
    [SkippableFact]
    public async Task TerminatedBackends_AreReplacedTransparently()
    {
        var connectionString = await fixture.Server.CreateDatabaseAsync("terminate");
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var store = PostgreSqlTieredSubject.Open(connectionString, "agentmemory", DurabilityMode.WriteThrough, time);
        await store.StoreAsync("a", 1);

        (await TerminateBackendsAsync(connectionString)).Should().BeGreaterThan(0, "the store holds pooled connections");

        await store.StoreAsync("b", 2);
        (await store.GetTierStatisticsAsync()).LongTermEntries.Should().Be(2);
        (await store.RetrieveAsync<int>("a")).Should().Be(1);
    }

    [SkippableFact]
    public async Task ServerDown_FailsWithAClearStorageException_ThenRecovers()
    {
        await using var server = await PostgresServer.StartAsync();
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var store = PostgreSqlTieredSubject.Open(server.AdminConnectionString, "agentmemory", DurabilityMode.WriteThrough, time);
        await store.StoreAsync("a", 1);
        await using var reader = PostgreSqlTieredSubject.Open(server.AdminConnectionString, "agentmemory", DurabilityMode.WriteThrough, time);

        await server.StopAsync();
        var write = async () => await store.StoreAsync("b", 2);
        var read = async () => await reader.RetrieveAsync<int>("a");

        (await write.Should().ThrowAsync<MemoryStorageException>()).Which.Message.Should().Contain("PostgreSQL 127.0.0.1").And.Contain("could not write a batch");
        (await read.Should().ThrowAsync<MemoryStorageException>()).Which.Message.Should().Contain("could not read an entry");

        await server.StartAgainAsync();
        (await reader.RetrieveAsync<int>("a")).Should().Be(1, "the hot tier of this second store is empty, so the read goes to PostgreSQL");
        (await store.ExistsAsync("b")).Should().BeFalse("the write that failed was rolled back in the hot tier too");
        await store.StoreAsync("b", 2);
        (await store.GetTierStatisticsAsync()).LongTermEntries.Should().Be(2);
    }

    private static async Task<int> TerminateBackendsAsync(string connectionString)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @db AND pid <> pg_backend_pid()", connection);
        command.Parameters.AddWithValue("db", database!);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
