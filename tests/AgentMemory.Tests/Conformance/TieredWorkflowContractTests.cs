using AgentMemory.Conformance;
using AgentMemory.Persistence;
using AgentMemory.Tiers;
using AgentMemory.Workflows;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.Conformance;

/// <summary>The workflow contract suite on a workflow store over the tiered SQLite store.</summary>
public sealed class TieredWorkflowContractTests : WorkflowStateStoreContractTests
{
    protected override ValueTask<ConformanceSubject<IWorkflowStateStore>> CreateSubjectAsync()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var directory = new TempDirectory();
        var store = TieredMemoryStore.Open(new SqlitePersistenceOptions { Path = directory.File("memory.db"), Durability = DurabilityMode.WriteThrough, ArchiveDirectory = directory.File("archive") }, timeProvider: time);
        var workflows = new MemoryStoreWorkflowStateStore(store, store, timeProvider: time);
        return new(new ConformanceSubject<IWorkflowStateStore>(workflows, a => { time.Advance(a); return default; }, async () => { workflows.Dispose(); await store.DisposeAsync(); directory.Dispose(); }));
    }
}
