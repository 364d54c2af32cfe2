using AgentMemory.Conformance;
using AgentMemory.Storage;
using AgentMemory.Workflows;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.Conformance;

/// <summary>Runs the <see cref="IWorkflowStateStore"/> contract against the store-backed workflow store.</summary>
public sealed class MemoryStoreWorkflowStateStoreContractTests : WorkflowStateStoreContractTests
{
    protected override ValueTask<ConformanceSubject<IWorkflowStateStore>> CreateSubjectAsync()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var store = new InMemoryStore(timeProvider: time);
        var workflows = new MemoryStoreWorkflowStateStore(store, store, timeProvider: time);
        return new(new ConformanceSubject<IWorkflowStateStore>(
            workflows,
            advance =>
            {
                time.Advance(advance);
                return default;
            },
            () =>
            {
                workflows.Dispose();
                store.Dispose();
                return default;
            }));
    }
}
