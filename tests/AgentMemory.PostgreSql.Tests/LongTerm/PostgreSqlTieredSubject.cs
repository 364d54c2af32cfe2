using AgentMemory.Conformance;
using AgentMemory.PostgreSql.LongTerm;
using AgentMemory.PostgreSql.Tests.Infrastructure;
using AgentMemory.Tiers;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.PostgreSql.Tests.LongTerm;

/// <summary>A tiered store over PostgreSQL in a fresh schema of the shared cluster, with a fake clock started at the real time.</summary>
internal static class PostgreSqlTieredSubject
{
    public static ValueTask<ConformanceSubject> CreateAsync(PostgresServerFixture fixture, DurabilityMode durability)
    {
        var connectionString = fixture.Server.AdminConnectionString;
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var store = Open(connectionString, PostgresServerFixture.UniqueSchema("conf"), durability, time);
        return new(new ConformanceSubject(
            store,
            store,
            advance =>
            {
                time.Advance(advance);
                return default;
            },
            () => store.DisposeAsync()));
    }

    public static TieredMemoryStore Open(string connectionString, string schema, DurabilityMode durability, TimeProvider time)
    {
        var connection = new PostgreSqlMemoryOptions { ConnectionString = connectionString, Schema = schema };
        return TieredMemoryStore.Open(
            PostgreSqlLongTermStore.Open(connection),
            new AgentMemory.Persistence.TieredStoreOptions { Durability = durability },
            timeProvider: time);
    }
}
