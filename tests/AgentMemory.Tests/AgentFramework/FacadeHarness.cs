using AgentMemory.Agents;
using AgentMemory.AgentFramework;
using AgentMemory.Locks;
using AgentMemory.Storage;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.AgentFramework;

/// <summary>The facade with its lock provider and agent manager over one in-process store, on one fake clock.</summary>
internal sealed class FacadeHarness : IDisposable
{
    public FacadeHarness(Action<HotTierOptions>? configureStore = null, AgentMemoryFacadeOptions? options = null)
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var hot = new HotTierOptions { ExpirationScanInterval = TimeSpan.FromHours(6) };
        configureStore?.Invoke(hot);
        Store = new InMemoryStore(hot, Time);
        Locks = new MemoryStoreLockProvider(Store, Store, timeProvider: Time);
        Agents = new MemoryStoreAgentManager(Store, Store, new AgentManagerOptions { HeartbeatTtl = TimeSpan.FromSeconds(30) }, Time);
        Memory = new AgentMemoryFacade(Store, Store, Locks, Agents, options, Time);
    }

    public FakeTimeProvider Time { get; }

    public InMemoryStore Store { get; }

    public MemoryStoreLockProvider Locks { get; }

    public MemoryStoreAgentManager Agents { get; }

    public AgentMemoryFacade Memory { get; }

    public AgentMemoryFacade Reopen() => new(Store, Store, Locks, Agents, null, Time);

    public void Dispose()
    {
        Memory.Dispose();
        Agents.Dispose();
        Locks.Dispose();
        Store.Dispose();
    }
}

/// <summary>Run data used in flow-history tests.</summary>
public sealed record RunData(string Status, int DurationSeconds);
