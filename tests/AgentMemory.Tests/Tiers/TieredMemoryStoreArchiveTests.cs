using AgentMemory.Persistence;
using AgentMemory.Tiers;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.Tiers;

public sealed class TieredMemoryStoreArchiveTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public void Dispose() => _directory.Dispose();

    private TieredMemoryStore Open() => TieredMemoryStore.Open(
        new SqlitePersistenceOptions
        {
            Path = _directory.File("memory.db"),
            ArchiveDirectory = _directory.File("archive"),
            Consolidation = { Policies = { new ColdDemotionPolicy(TimeSpan.FromHours(1)), new ArchiveAgePolicy(TimeSpan.FromDays(7)) } },
        },
        timeProvider: _time);

    [Fact]
    public async Task OldEntries_AreArchived_AndReadBackOnDemand()
    {
        await using (var store = Open())
        {
            await store.StoreAsync("old", "ancient history", new MemoryEntryOptions { Metadata = new Dictionary<string, MetadataValue> { ["topic"] = "history" } });
            await store.StoreAsync("recent", "fresh");
            _time.Advance(TimeSpan.FromDays(6));
            await store.RetrieveAsync<string>("recent");
            _time.Advance(TimeSpan.FromDays(2));

            var first = await store.ConsolidateAsync();
            first.Demoted.Should().Be(2, "both were idle for more than an hour");
            var second = await store.ConsolidateAsync();

            second.Archived.Should().Be(1);
            (await store.LocateAsync("old")).Should().Be(MemoryTier.Archive);
            (await store.LocateAsync("recent")).Should().Be(MemoryTier.LongTerm);
            (await store.GetTierStatisticsAsync()).ArchiveEntries.Should().Be(1);
            (await store.ListKeysAsync()).Should().Equal("old", "recent");
            (await store.GetStatisticsAsync()).EntryCount.Should().Be(2);
        }

        await using (var store = Open())
        {
            (await store.LocateAsync("old")).Should().Be(MemoryTier.Archive, "the archive survives a restart");
            (await store.RetrieveAsync<string>("old")).Should().Be("ancient history");
            (await store.GetMetadataAsync("old"))!["topic"].AsString().Should().Be("history");
            (await store.LocateAsync("old")).Should().Be(MemoryTier.ShortTerm);
            (await store.GetTierStatisticsAsync()).ArchiveEntries.Should().Be(0, "an archive hit comes back to the long-term tier");
            (await store.GetTierStatisticsAsync()).LongTermEntries.Should().Be(2);
        }
    }

    [Fact]
    public async Task RewritingAnArchivedKey_WithdrawsTheArchivedCopy()
    {
        await using var store = Open();
        await store.StoreAsync("k", "v1", new MemoryEntryOptions { Tier = MemoryTier.LongTerm });
        _time.Advance(TimeSpan.FromDays(8));
        (await store.ConsolidateAsync()).Archived.Should().Be(1);

        await store.StoreAsync("k", "v2", new MemoryEntryOptions { Ttl = TimeSpan.FromMinutes(1) });
        (await store.GetTierStatisticsAsync()).ArchiveEntries.Should().Be(0);
        _time.Advance(TimeSpan.FromMinutes(2));

        (await store.RetrieveAsync<string>("k")).Should().BeNull("v2 expired and v1 must not come back from the archive");
    }

    [Fact]
    public async Task DeletingAnArchivedKey_RemovesItEverywhere()
    {
        await using var store = Open();
        await store.StoreAsync("k", "v1", new MemoryEntryOptions { Tier = MemoryTier.LongTerm });
        _time.Advance(TimeSpan.FromDays(8));
        await store.ConsolidateAsync();

        (await store.DeleteAsync("k")).Should().BeTrue();

        (await store.ExistsAsync("k")).Should().BeFalse();
        (await store.GetTierStatisticsAsync()).ArchiveEntries.Should().Be(0);
    }

    [Fact]
    public async Task TheSweep_CompactsTheArchive_OnceMostOfItIsGarbage()
    {
        await using var store = Open();
        for (var i = 0; i < 20; i++)
        {
            await store.StoreAsync($"k{i:D2}", new string('x', 200) + i, new MemoryEntryOptions { Tier = MemoryTier.LongTerm });
        }

        _time.Advance(TimeSpan.FromDays(8));
        (await store.ConsolidateAsync()).Archived.Should().Be(20);
        var archive = (AgentMemory.Persistence.Archive.ArchiveStore)store.Archive!;
        for (var i = 0; i < 5; i++)
        {
            (await store.RetrieveAsync<string>($"k{i:D2}")).Should().EndWith(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        archive.GarbageRatio.Should().BeLessThan(0.5, "a quarter of the records came back");
        _time.Advance(TimeSpan.FromMinutes(1));
        archive.GarbageRatio.Should().BeGreaterThan(0, "the sweep leaves an archive below the garbage threshold alone");

        for (var i = 5; i < 15; i++)
        {
            (await store.RetrieveAsync<string>($"k{i:D2}")).Should().EndWith(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        archive.GarbageRatio.Should().BeGreaterThanOrEqualTo(0.5);
        _time.Advance(TimeSpan.FromMinutes(1));

        archive.GarbageRatio.Should().Be(0, "the sweep compacted the archive");
        (await store.GetTierStatisticsAsync()).ArchiveEntries.Should().Be(5);
        for (var i = 15; i < 20; i++)
        {
            (await store.LocateAsync($"k{i:D2}")).Should().Be(MemoryTier.Archive);
            (await store.RetrieveAsync<string>($"k{i:D2}")).Should().EndWith(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
