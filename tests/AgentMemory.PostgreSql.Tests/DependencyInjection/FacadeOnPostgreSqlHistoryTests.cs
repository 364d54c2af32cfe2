using AgentMemory.PostgreSql.History;
using AgentMemory.PostgreSql.Tests.Infrastructure;
using AgentMemory.PostgreSql.Tests.Records;
using Microsoft.Extensions.DependencyInjection;

namespace AgentMemory.PostgreSql.Tests.DependencyInjection;

/// <summary>The agent-framework facade forwards flow-run history and task outputs to PostgreSQL when AddPostgreSqlRecords is registered.</summary>
[Collection(PostgresCollection.Name)]
public sealed class FacadeOnPostgreSqlHistoryTests(PostgresServerFixture fixture)
{
    public sealed record RunData(string Status, int Steps);

    [SkippableFact]
    public async Task Facade_WritesHistoryToPostgreSql_VisibleToAnotherHost()
    {
        var connectionString = await RecordsHarness.ConnectionStringAsync(fixture);
        var schema = PostgresServerFixture.UniqueSchema("facade");

        await using (var host = Build(connectionString, schema))
        {
            var memory = host.GetRequiredService<IAgentMemory>();
            host.GetRequiredService<IAgentHistoryStore>().Should().BeOfType<PostgreSqlAgentHistoryStore>();
            await memory.WriteFlowRunAsync("flow-a", "run-1", new RunData("started", 0));
            await memory.WriteFlowRunAsync("flow-a", "run-1", new RunData("done", 3));
            await memory.WriteTaskOutputAsync("task-1", new RunData("answer", 1), new TaskOutputOptions { Metadata = new Dictionary<string, MetadataValue> { ["agent"] = "a1" } });
        }

        // A second host (a fresh in-process store, as another process would have) sees what the first wrote.
        await using var other = Build(connectionString, schema);
        var runs = await other.GetRequiredService<IAgentMemory>().ReadFlowRunsAsync<RunData>("flow-a");
        runs.Select(r => r.Data.Status).Should().Equal("done", "started");
        runs.Select(r => r.Sequence).Should().Equal(2, 1);
        var output = await other.GetRequiredService<IAgentMemory>().ReadTaskOutputAsync<RunData>("task-1");
        output!.Output.Should().Be(new RunData("answer", 1));
        output!.Metadata["agent"].Should().Be((MetadataValue)"a1");
    }

    [SkippableFact]
    public async Task Facade_FencedTaskOutput_RefusesAStaleLeaseBeforeReachingPostgreSql()
    {
        var connectionString = await RecordsHarness.ConnectionStringAsync(fixture);
        await using var host = Build(connectionString, PostgresServerFixture.UniqueSchema("fence"));
        var memory = host.GetRequiredService<IAgentMemory>();
        var options = new LockOptions { LeaseTtl = TimeSpan.FromMinutes(1) };

        var first = await memory.AcquireLockAsync("task-2", options);
        var stale = new TaskOutputOptions { Fence = first };
        await first.DisposeAsync();
        await using var second = await memory.AcquireLockAsync("task-2", options);

        await memory.WriteTaskOutputAsync("task-2", new RunData("new", 2), new TaskOutputOptions { Fence = second });
        var act = async () => await memory.WriteTaskOutputAsync("task-2", new RunData("old", 1), stale);

        await act.Should().ThrowAsync<MemoryFencingException>();
        (await memory.ReadTaskOutputAsync<RunData>("task-2"))!.Output.Status.Should().Be("new");
    }

    private static ServiceProvider Build(string connectionString, string schema)
    {
        var services = new ServiceCollection();
        services.AddAgentMemory()
            .AddPostgreSqlRecords(connectionString, o => o.Schema = schema)
            .AddAgentCoordination();
        return services.BuildServiceProvider();
    }
}
