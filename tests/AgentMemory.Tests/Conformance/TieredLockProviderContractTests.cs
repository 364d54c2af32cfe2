using AgentMemory.Conformance;
using AgentMemory.Locks;
using AgentMemory.Persistence;
using AgentMemory.Tiers;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.Conformance;

/// <summary>The lock contract suite on a lock provider over the tiered SQLite store.</summary>
public sealed class TieredLockProviderContractTests : DistributedLockProviderContractTests
{
    protected override ValueTask<ConformanceSubject<IDistributedLockProvider>> CreateSubjectAsync()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var directory = new TempDirectory();
        var store = TieredMemoryStore.Open(new SqlitePersistenceOptions { Path = directory.File("memory.db"), Durability = DurabilityMode.WriteThrough, ArchiveDirectory = directory.File("archive") }, timeProvider: time);
        var locks = new MemoryStoreLockProvider(store, store, timeProvider: time);
        return new(new ConformanceSubject<IDistributedLockProvider>(locks, a => { time.Advance(a); return default; }, async () => { locks.Dispose(); await store.DisposeAsync(); directory.Dispose(); }));
    }
}
