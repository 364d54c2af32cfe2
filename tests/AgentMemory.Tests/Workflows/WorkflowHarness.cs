using AgentMemory.Storage;
using AgentMemory.Workflows;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.Workflows;

/// <summary>A workflow store over an in-process store on a fake clock, with an order-sensitive reducer over int events.</summary>
internal sealed class WorkflowHarness : IDisposable
{
    public WorkflowHarness()
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Store = new InMemoryStore(new HotTierOptions { ExpirationScanInterval = TimeSpan.FromHours(6) }, Time);
        Workflows = new MemoryStoreWorkflowStateStore(Store, Store, new WorkflowStoreOptions { FinishedRetention = TimeSpan.FromHours(1) }, Time);
    }

    public FakeTimeProvider Time { get; }

    public InMemoryStore Store { get; }

    public MemoryStoreWorkflowStateStore Workflows { get; }

    /// <summary>Order-sensitive: a different order or a lost event gives a different state.</summary>
    public static long Reduce(long state, int e) => unchecked((state * 31) + e + 7);

    public static long Fold(IEnumerable<int> events) => events.Aggregate(0L, Reduce);

    public static WorkflowDefinition<long, int> Definition(int snapshotInterval) => new("tally", static () => 0L, Reduce) { SnapshotInterval = snapshotInterval };

    public void Dispose()
    {
        Workflows.Dispose();
        Store.Dispose();
    }
}
