using AgentMemory.Conformance;
using AgentMemory.Persistence;
using AgentMemory.PostgreSql.LongTerm;
using AgentMemory.PostgreSql.Tests.Infrastructure;

namespace AgentMemory.PostgreSql.Tests.LongTerm;

/// <summary>The <see cref="ILongTermStore"/> contract against the PostgreSQL long-term tier, each test in a fresh schema.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlLongTermStoreContractTests(PostgresServerFixture fixture) : LongTermStoreContractTests
{
    protected override ValueTask<ConformanceSubject<ILongTermStore>> CreateSubjectAsync()
    {
        var store = PostgreSqlLongTermStore.Open(
            new PostgreSqlMemoryOptions { ConnectionString = fixture.Server.AdminConnectionString, Schema = PostgresServerFixture.UniqueSchema("ltc") },
            compressionThreshold: 1_024);
        return new(new ConformanceSubject<ILongTermStore>(store, _ => default, () =>
        {
            store.Dispose();
            return default;
        }));
    }
}
