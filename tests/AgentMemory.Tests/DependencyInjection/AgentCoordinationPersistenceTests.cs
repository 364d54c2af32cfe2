using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.DependencyInjection;

public sealed class AgentCoordinationPersistenceTests : IDisposable
{
    private static readonly WorkflowDefinition<long, int> Definition = new("sum", static () => 0L, static (s, e) => s + e) { SnapshotInterval = 2 };
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task CoordinationState_SurvivesARestart_WithSqlitePersistence()
    {
        var path = _directory.File("memory.db");
        long firstToken;
        await using (var provider = Build(path))
        {
            var agents = provider.GetRequiredService<IAgentManager>();
            var pools = provider.GetRequiredService<IAgentPool>();
            var workflows = provider.GetRequiredService<IWorkflowStateStore>();
            var memory = provider.GetRequiredService<IAgentMemory>();
            await agents.RegisterAgentAsync(new AgentInfo("w1", "worker"), ["sql"]);
            await agents.AssignTaskAsync(new AgentTask("t1", "q"), "w1");
            await pools.CreatePoolAsync("p", new AgentPoolConfig(0, 3, 1));
            await pools.AddAgentAsync("p", "w1");
            await workflows.AppendAsync(Definition, "wf", [1, 2, 3], 0);
            await using (var lease = await memory.AcquireLockAsync("r"))
            {
                firstToken = lease.FencingToken;
            }

            await memory.SetContextAsync("c", "ctx");
            await memory.AppendEventAsync("c", "e1");
            await memory.WriteFlowRunAsync("f", "r1", "done");
            await memory.WriteTaskOutputAsync("t1", "out", new TaskOutputOptions { Metadata = new Dictionary<string, MetadataValue> { ["by"] = "w1" } });
            var wm = memory.OpenWorkingMemory("w1");
            await wm.StoreContextAsync("fact", "kept", 0.9);
        }

        await using (var provider = Build(path))
        {
            var agents = provider.GetRequiredService<IAgentManager>();
            var memory = provider.GetRequiredService<IAgentMemory>();
            (await agents.ListAgentsAsync()).Should().ContainSingle(a => a.Id == "w1" && a.RunningTasks == 1);
            (await provider.GetRequiredService<IAgentPool>().GetPoolAgentsAsync("p")).Should().Equal("w1");
            (await provider.GetRequiredService<IWorkflowStateStore>().GetStateAsync(Definition, "wf"))!.State.Should().Be(6);
            await using (var lease = await memory.AcquireLockAsync("r"))
            {
                lease.FencingToken.Should().BeGreaterThan(firstToken);
            }

            (await memory.GetContextAsync<string>("c"))!.Data.Should().Be("ctx");
            (await memory.GetEventsAsync<string>("c")).Should().Equal("e1");
            (await memory.ReadFlowRunsAsync<string>("f")).Should().ContainSingle().Which.Data.Should().Be("done");
            (await memory.ReadTaskOutputAsync<string>("t1"))!.Metadata["by"].AsString().Should().Be("w1");
            (await memory.OpenWorkingMemory("w1").GetActiveContextAsync<string>()).Should().ContainSingle().Which.Value.Should().Be("kept");
        }
    }

    private ServiceProvider Build(string path)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddAgentMemory().AddSqlitePersistence(path).AddAgentCoordination();
        return services.BuildServiceProvider();
    }
}
