using AgentMemory.Conformance;
using AgentMemory.PostgreSql.Tests.Infrastructure;

namespace AgentMemory.PostgreSql.Tests.LongTerm;

/// <summary>The unchanged <see cref="MemoryStoreContractTests"/> against a tiered store over PostgreSQL, WriteThrough.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlWriteThroughStoreContractTests(PostgresServerFixture fixture) : MemoryStoreContractTests
{
    protected override ValueTask<ConformanceSubject> CreateSubjectAsync() => PostgreSqlTieredSubject.CreateAsync(fixture, DurabilityMode.WriteThrough);
}
