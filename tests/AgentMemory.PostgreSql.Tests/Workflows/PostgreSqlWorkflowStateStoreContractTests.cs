using AgentMemory.Conformance;
using AgentMemory.PostgreSql.Tests.Infrastructure;
using AgentMemory.PostgreSql.Tests.Records;
using AgentMemory.PostgreSql.Workflows;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace AgentMemory.PostgreSql.Tests.Workflows;

/// <summary>The workflow contract suite, unchanged, on PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlWorkflowStateStoreContractTests(PostgresServerFixture fixture) : WorkflowStateStoreContractTests
{
    /// <inheritdoc />
    protected override async ValueTask<ConformanceSubject<IWorkflowStateStore>> CreateSubjectAsync()
    {
        var dataSource = NpgsqlDataSource.Create(await RecordsHarness.ConnectionStringAsync(fixture));
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = new PostgreSqlWorkflowStateStore(dataSource, RecordsHarness.Options("wfcontract"), timeProvider: time);
        return new ConformanceSubject<IWorkflowStateStore>(store, by =>
        {
            time.Advance(by);
            return default;
        }, () => dataSource.DisposeAsync());
    }
}
