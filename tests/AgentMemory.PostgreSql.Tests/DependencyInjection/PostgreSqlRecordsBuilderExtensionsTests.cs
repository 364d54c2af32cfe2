using AgentMemory.PostgreSql.Audit;
using AgentMemory.PostgreSql.History;
using AgentMemory.PostgreSql.Records;
using AgentMemory.PostgreSql.Tests.Infrastructure;
using AgentMemory.PostgreSql.Tests.Records;
using AgentMemory.PostgreSql.Vectors;
using AgentMemory.PostgreSql.Workflows;
using AgentMemory.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentMemory.PostgreSql.Tests.DependencyInjection;

[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlRecordsBuilderExtensionsTests(PostgresServerFixture fixture)
{
    private static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    [SkippableFact]
    public async Task AddPostgreSqlRecords_RegistersEveryStore_OnOneDatabase_AndTheyWork()
    {
        var connectionString = await RecordsHarness.ConnectionStringAsync(fixture);
        var schema = PostgresServerFixture.UniqueSchema("di");
        var services = new ServiceCollection();
        services.AddAgentMemory().AddPostgreSqlRecords(connectionString, o =>
        {
            o.Schema = schema;
            o.AuditHmacKey = Key;
            o.EmbeddingDimensions = 2;
        });
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        provider.GetRequiredService<IWorkflowStateStore>().Should().BeOfType<PostgreSqlWorkflowStateStore>();
        provider.GetRequiredService<IAgentHistoryStore>().Should().BeOfType<PostgreSqlAgentHistoryStore>();
        var audit = provider.GetRequiredService<IMemoryAuditLog>().Should().BeOfType<PostgreSqlAuditLog>().Subject;
        var embeddings = provider.GetRequiredService<PostgreSqlEmbeddingStore>();

        var definition = new WorkflowDefinition<int, int>("sum", static () => 0, static (s, e) => s + e);
        await provider.GetRequiredService<IWorkflowStateStore>().AppendAsync(definition, "wf", [1, 2], 0);
        await provider.GetRequiredService<IAgentHistoryStore>().WriteFlowRunAsync("flow", "run", new { status = "ok" });
        await audit.AppendAsync(new MemoryAuditRecord(DateTimeOffset.UtcNow, "p", "k", MemoryAction.Read, MemoryAuditResult.Allowed, "Retrieve"));
        await embeddings.UpsertAsync("e", new float[] { 1, 0 });

        (await provider.GetRequiredService<IWorkflowStateStore>().GetStateAsync(definition, "wf"))!.State.Should().Be(3);
        (await audit.VerifyAsync()).IsValid.Should().BeTrue();
        (await embeddings.QueryAsync(new float[] { 1, 0 }, 1)).Single().Id.Should().Be("e");
        (await RecordsHarness.ScalarAsync<string>(connectionString, schema, "SELECT string_agg(component, ',' ORDER BY component) FROM {schema}.schema_version"))
            .Should().Be("audit,history,vectors,workflows");
    }

    [Fact]
    public void UserRegistrations_Win_AndTheAuditLogNeedsAKey()
    {
        var services = new ServiceCollection();
        using var mine = new InMemoryAuditLog(Key);
        services.AddSingleton<IMemoryAuditLog>(mine);
        services.AddAgentMemory().AddPostgreSqlRecords("Host=127.0.0.1;Port=1", o => o.AuditHmacKey = Key);
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IMemoryAuditLog>().Should().BeSameAs(mine);

        var without = new ServiceCollection();
        without.AddAgentMemory().AddPostgreSqlRecords("Host=127.0.0.1;Port=1");
        using var other = without.BuildServiceProvider();
        other.GetService<IMemoryAuditLog>().Should().BeNull();
        other.GetService<PostgreSqlAuditLog>().Should().BeNull();
    }

    [Fact]
    public void InvalidOptions_FailOnResolution_NamingTheOption()
    {
        var services = new ServiceCollection();
        services.AddAgentMemory().AddPostgreSqlRecords("Host=127.0.0.1;Port=1", o => o.EmbeddingDimensions = 0);
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IOptions<PostgreSqlRecordsOptions>>().Value;

        act.Should().Throw<OptionsValidationException>().WithMessage("*EmbeddingDimensions*");
        ((Action)(() => new ServiceCollection().AddAgentMemory().AddPostgreSqlRecords(" "))).Should().Throw<ArgumentException>();
    }
}
