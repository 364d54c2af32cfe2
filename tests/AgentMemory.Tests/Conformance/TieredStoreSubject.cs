using AgentMemory.Conformance;
using AgentMemory.Persistence;
using AgentMemory.Tiers;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.Conformance;

/// <summary>A tiered store on a fresh SQLite file in a temp directory, with a fake clock.</summary>
internal static class TieredStoreSubject
{
    public static ValueTask<ConformanceSubject> CreateAsync(DurabilityMode durability)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var directory = new TempDirectory();
        var store = TieredMemoryStore.Open(
            new SqlitePersistenceOptions { Path = directory.File("memory.db"), Durability = durability, ArchiveDirectory = directory.File("archive") },
            timeProvider: time);
        return new(new ConformanceSubject(
            store,
            store,
            advance =>
            {
                time.Advance(advance);
                return default;
            },
            async () =>
            {
                await store.DisposeAsync();
                directory.Dispose();
            }));
    }
}
