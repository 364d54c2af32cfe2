using AgentMemory.Persistence;
using AgentMemory.Persistence.Sqlite;
using AgentMemory.Tiers;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.Tiers;

/// <summary>The tiered store over a caller-opened <see cref="ILongTermStore"/> (here SQLite's), as the PostgreSQL tier uses it.</summary>
public sealed class TieredMemoryStoreLongTermSeamTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Open_OverALongTermStore_PersistsThroughIt_AndOwnsIt()
    {
        var path = _directory.File("seam.db");
        var longTerm = SqliteLongTermStore.Open(path, synchronousFull: true, compressionThreshold: null, verify: true);
        await using (var store = TieredMemoryStore.Open(longTerm, new TieredStoreOptions { Durability = DurabilityMode.WriteBehind }, timeProvider: _time))
        {
            store.DatabasePath.Should().Be(longTerm.Location);
            await store.StoreAsync("a", 1, new MemoryEntryOptions { Ttl = TimeSpan.FromMinutes(5) });
        }

        var act = () => longTerm.Count(0);
        act.Should().Throw<ObjectDisposedException>("the tiered store owns the long-term store and closed it");
        await using var reopened = TieredMemoryStore.Open(new SqlitePersistenceOptions { Path = path }, timeProvider: _time);
        (await reopened.RetrieveAsync<int>("a")).Should().Be(1);
        _time.Advance(TimeSpan.FromMinutes(5));
        (await reopened.ExistsAsync("a")).Should().BeFalse();
    }

    [Fact]
    public void Open_WithInvalidOptions_ThrowsNamingThem_AndDisposesTheLongTermStore()
    {
        var longTerm = SqliteLongTermStore.Open(_directory.File("bad.db"), synchronousFull: false, compressionThreshold: null, verify: false);

        var act = () => TieredMemoryStore.Open(longTerm, new TieredStoreOptions { MaxExpirationsPerScan = 0 }, timeProvider: _time);

        act.Should().Throw<ArgumentException>().WithMessage("*TieredStoreOptions.MaxExpirationsPerScan*");
        var use = () => longTerm.Count(0);
        use.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public async Task ExportAllAndReplaceAll_GoThroughTheSeam()
    {
        await using var source = TieredMemoryStore.Open(SqliteLongTermStore.Open(_directory.File("src.db"), true, 64, true), new TieredStoreOptions(), timeProvider: _time);
        await using var target = TieredMemoryStore.Open(SqliteLongTermStore.Open(_directory.File("dst.db"), true, 64, true), new TieredStoreOptions(), timeProvider: _time);
        await source.StoreAsync("v", new string('x', 500), new MemoryEntryOptions { Metadata = new Dictionary<string, MetadataValue> { ["n"] = 1 } });
        await source.SetHashFieldAsync("h", "f", 2);
        await target.StoreAsync("stale", 0);

        using (var snapshot = ((ISnapshotStore)source).ExportAll())
        {
            ((ISnapshotStore)target).ReplaceAll([.. snapshot.Entries]).Should().Be(2);
        }

        (await target.RetrieveAsync<string>("v")).Should().HaveLength(500);
        (await target.GetMetadataAsync("v"))!["n"].Should().Be((MetadataValue)1);
        (await target.GetHashFieldAsync<int>("h", "f")).Value.Should().Be(2);
        (await target.ExistsAsync("stale")).Should().BeFalse();
    }
}
