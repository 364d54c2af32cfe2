using AgentMemory.Agents;
using AgentMemory.Storage;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.Agents;

/// <summary>An agent manager and pool over an in-process store, on one fake clock, heartbeat TTL 30 s.</summary>
internal sealed class AgentHarness : IDisposable
{
    public AgentHarness()
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Store = new InMemoryStore(timeProvider: Time);
        Manager = new MemoryStoreAgentManager(Store, Store, new AgentManagerOptions { HeartbeatTtl = TimeSpan.FromSeconds(30) }, Time);
        Pools = new MemoryStoreAgentPool(Manager);
    }

    public FakeTimeProvider Time { get; }

    public InMemoryStore Store { get; }

    public MemoryStoreAgentManager Manager { get; }

    public MemoryStoreAgentPool Pools { get; }

    public static AgentTask Task(string id, params string[] required) => new(id, "work") { RequiredCapabilities = required.Length == 0 ? null : required };

    public ValueTask<AgentDescriptor> RegisterAsync(string id, int maxConcurrent = 1, params string[] capabilities)
        => Manager.RegisterAgentAsync(new AgentInfo(id, "worker") { MaxConcurrentTasks = maxConcurrent, Endpoint = $"inproc://{id}" }, capabilities);

    public void Dispose()
    {
        Pools.Dispose();
        Manager.Dispose();
        Store.Dispose();
    }
}
