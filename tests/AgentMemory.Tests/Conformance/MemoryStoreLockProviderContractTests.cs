using AgentMemory.Conformance;
using AgentMemory.Locks;
using AgentMemory.Storage;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.Conformance;

/// <summary>Runs the <see cref="IDistributedLockProvider"/> contract against the store-backed provider.</summary>
public sealed class MemoryStoreLockProviderContractTests : DistributedLockProviderContractTests
{
    protected override ValueTask<ConformanceSubject<IDistributedLockProvider>> CreateSubjectAsync()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var store = new InMemoryStore(timeProvider: time);
        var locks = new MemoryStoreLockProvider(store, store, timeProvider: time);
        return new(new ConformanceSubject<IDistributedLockProvider>(
            locks,
            advance =>
            {
                time.Advance(advance);
                return default;
            },
            () =>
            {
                locks.Dispose();
                store.Dispose();
                return default;
            }));
    }
}
