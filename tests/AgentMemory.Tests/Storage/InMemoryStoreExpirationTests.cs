using AgentMemory.Storage;

namespace AgentMemory.Tests.Storage;

public sealed class InMemoryStoreExpirationTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    /// <summary>A store whose sweep never runs during a test, so only reads can notice expiry.</summary>
    private static StoreHarness WithoutSweep() => new(o => o.ExpirationScanInterval = TimeSpan.FromDays(1));

    [Fact]
    public async Task StoreAsync_WithTtl_EveryReadSeesTheEntryUntilTheLastTick()
    {
        using var h = WithoutSweep();
        var ttl = TimeSpan.FromMinutes(5);
        var options = new MemoryEntryOptions { Ttl = ttl, Metadata = new Dictionary<string, MetadataValue> { ["m"] = 1 } };
        await h.Memory.StoreAsync("k", "v", options);

        h.Time.Advance(ttl - Tick);

        (await h.Memory.RetrieveAsync<string>("k")).Should().Be("v");
        (await h.Memory.ExistsAsync("k")).Should().BeTrue();
        (await h.Memory.GetMetadataAsync("k")).Should().ContainKey("m");
        (await h.Memory.GetEntryInfoAsync("k"))!.ExpiresAt.Should().Be(StoreHarness.Epoch + ttl);
        (await h.Memory.ListKeysAsync()).Should().Equal("k");
    }

    [Fact]
    public async Task StoreAsync_WithTtl_EveryReadAgreesTheEntryIsGoneAtExpiry()
    {
        using var h = WithoutSweep();
        var ttl = TimeSpan.FromMinutes(5);
        var options = new MemoryEntryOptions { Ttl = ttl, Metadata = new Dictionary<string, MetadataValue> { ["m"] = 1 } };
        string[] keys = ["list", "meta", "exists", "retrieve", "try", "info", "raw"];
        foreach (var key in keys)
        {
            await h.Memory.StoreAsync(key, "v", options);
        }

        h.Time.Advance(ttl);

        // Nothing has reclaimed them yet: each read below must notice expiry on its own.
        h.Stats().EntryCount.Should().Be(keys.Length);
        (await h.Memory.ListKeysAsync()).Should().BeEmpty();
        (await h.Memory.GetMetadataAsync("meta")).Should().BeNull();
        (await h.Memory.ExistsAsync("exists")).Should().BeFalse();
        (await h.Memory.RetrieveAsync<string>("retrieve")).Should().BeNull();
        (await h.Memory.TryRetrieveAsync<string>("try")).Found.Should().BeFalse();
        (await h.Memory.GetEntryInfoAsync("info")).Should().BeNull();
        (await h.Memory.RetrieveRawAsync("raw")).Should().BeNull();
    }

    [Fact]
    public async Task RetrieveAsync_AfterExpiry_ReclaimsTheEntryAndRaisesExpired()
    {
        using var h = WithoutSweep();
        await h.Memory.StoreAsync("k", 42L, new MemoryEntryOptions { Ttl = Second });
        var size = (await h.Memory.GetEntryInfoAsync("k"))!.SizeBytes;

        h.Time.Advance(Second);
        (await h.Memory.RetrieveAsync<long>("k")).Should().Be(0);

        var stats = h.Stats();
        stats.EntryCount.Should().Be(0);
        stats.BytesUsed.Should().Be(0);
        stats.Expirations.Should().Be(1);
        stats.Misses.Should().Be(1);
        h.Removed.Should().ContainSingle().Which.Should().Match<MemoryEntryRemovedEventArgs>(e =>
            e.Key == "k" && e.Reason == MemoryRemovalReason.Expired && e.Info.SizeBytes == size);
    }

    [Fact]
    public async Task StoreAsync_WithAbsoluteExpiration_ExpiresAtThatInstant()
    {
        using var h = WithoutSweep();
        var at = StoreHarness.Epoch.AddSeconds(10).ToOffset(TimeSpan.FromHours(5));
        await h.Memory.StoreAsync("k", "v", new MemoryEntryOptions { AbsoluteExpiration = at });

        (await h.Memory.GetEntryInfoAsync("k"))!.ExpiresAt.Should().Be(at);
        h.Time.Advance(TimeSpan.FromSeconds(10) - Tick);
        (await h.Memory.ExistsAsync("k")).Should().BeTrue();
        h.Time.Advance(Tick);
        (await h.Memory.ExistsAsync("k")).Should().BeFalse();
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(-10_000_000L)]
    public async Task StoreAsync_NonPositiveTtl_ThrowsArgumentOutOfRangeAndStoresNothing(long ticks)
    {
        using var h = new StoreHarness();
        var act = async () => await h.Memory.StoreAsync("k", "v", new MemoryEntryOptions { Ttl = TimeSpan.FromTicks(ticks) });

        await act.Should().ThrowAsync<ArgumentOutOfRangeException>();
        (await h.Memory.ExistsAsync("k")).Should().BeFalse();
    }

    [Fact]
    public async Task StoreAsync_TtlAndAbsoluteExpiration_ThrowsArgumentException()
    {
        using var h = new StoreHarness();
        var options = new MemoryEntryOptions { Ttl = Second, AbsoluteExpiration = StoreHarness.Epoch.AddHours(1) };

        var act = async () => await h.Memory.StoreAsync("k", "v", options);

        await act.Should().ThrowAsync<ArgumentException>().WithMessage("*Ttl*AbsoluteExpiration*");
        (await h.Memory.ExistsAsync("k")).Should().BeFalse();
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(-864_000_000_000L)]
    public async Task StoreAsync_AbsoluteExpirationNotInTheFuture_ThrowsArgumentException(long offsetTicks)
    {
        using var h = new StoreHarness();
        var options = new MemoryEntryOptions { AbsoluteExpiration = StoreHarness.Epoch.AddTicks(offsetTicks) };

        var act = async () => await h.Memory.StoreAsync("k", "v", options);

        await act.Should().ThrowAsync<ArgumentException>();
        (await h.Memory.ExistsAsync("k")).Should().BeFalse();
    }

    [Fact]
    public async Task StoreAsync_TtlPastTheLargestDate_ThrowsArgumentOutOfRange()
    {
        using var h = new StoreHarness();

        var act = async () => await h.Memory.StoreAsync("k", "v", new MemoryEntryOptions { Ttl = TimeSpan.MaxValue });

        await act.Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(4)]
    [InlineData(42)]
    public async Task StoreAsync_UndefinedPriority_ThrowsArgumentException(int priority)
    {
        using var h = new StoreHarness();
        var options = new MemoryEntryOptions { Priority = (MemoryPriority)priority };

        var act = async () => await h.Memory.StoreAsync("k", "v", options);

        await act.Should().ThrowAsync<ArgumentException>().WithMessage("*priority*");
        (await h.Memory.ExistsAsync("k")).Should().BeFalse();
    }

    [Fact]
    public async Task SetHashAsync_InvalidOptions_ThrowsAndKeepsTheOldEntry()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("k", "old");

        var act = async () => await h.Ops.SetHashAsync("k", new Dictionary<string, int>(), new MemoryEntryOptions { Ttl = TimeSpan.Zero });

        await act.Should().ThrowAsync<ArgumentOutOfRangeException>();
        (await h.Memory.RetrieveAsync<string>("k")).Should().Be("old");
    }

    [Fact]
    public async Task Sweep_AfterAdvance_ReclaimsExpiredEntriesAndTheirBytesWithoutAnyRead()
    {
        using var h = new StoreHarness();
        var ttl = new MemoryEntryOptions { Ttl = Second };
        await h.Memory.StoreAsync("a", "alpha", ttl);
        await h.Ops.SetHashAsync("b", new Dictionary<string, string> { ["f"] = "x" }, ttl);
        await h.Memory.StoreAsync("c", new byte[100], ttl);
        await h.Memory.StoreAsync("keep", "kept");
        var keepSize = (await h.Memory.GetEntryInfoAsync("keep"))!.SizeBytes;
        h.Stats().BytesUsed.Should().BeGreaterThan(keepSize);

        h.Time.Advance(Second);

        var stats = h.Stats();
        stats.EntryCount.Should().Be(1);
        stats.BytesUsed.Should().Be(keepSize);
        stats.Expirations.Should().Be(3);
        stats.Hits.Should().Be(0);
        stats.Misses.Should().Be(0);
        h.Removed.Select(e => (e.Key, e.Reason)).Should().BeEquivalentTo(
            [("a", MemoryRemovalReason.Expired), ("b", MemoryRemovalReason.Expired), ("c", MemoryRemovalReason.Expired)]);
    }

    [Fact]
    public async Task Sweep_BeforeTheTtl_ReclaimsNothing()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("a", "alpha", new MemoryEntryOptions { Ttl = TimeSpan.FromSeconds(3) });

        h.Time.Advance(Second);
        h.Time.Advance(Second);

        h.Stats().EntryCount.Should().Be(1);
        h.Stats().Expirations.Should().Be(0);
        h.Removed.Should().BeEmpty();
    }

    [Fact]
    public async Task Sweep_MaxExpirationsPerScan_BoundsEachSweep()
    {
        using var h = new StoreHarness(o => o.MaxExpirationsPerScan = 2);
        for (var i = 0; i < 5; i++)
        {
            await h.Memory.StoreAsync($"k{i}", i, new MemoryEntryOptions { Ttl = Second });
        }

        h.Time.Advance(Second);
        h.Stats().EntryCount.Should().Be(3);
        h.Stats().Expirations.Should().Be(2);

        h.Time.Advance(Second);
        h.Stats().EntryCount.Should().Be(1);
        h.Stats().Expirations.Should().Be(4);

        h.Time.Advance(Second);
        h.Stats().EntryCount.Should().Be(0);
        h.Stats().Expirations.Should().Be(5);
        h.Stats().BytesUsed.Should().Be(0);
    }

    [Fact]
    public async Task Sweep_MaxExpirationsPerScan_EntriesWaitingForASweepAreStillInvisibleToReads()
    {
        using var h = new StoreHarness(o => o.MaxExpirationsPerScan = 1);
        await h.Memory.StoreAsync("a", 1, new MemoryEntryOptions { Ttl = Second });
        await h.Memory.StoreAsync("b", 2, new MemoryEntryOptions { Ttl = Second });

        h.Time.Advance(Second);

        h.Stats().EntryCount.Should().Be(1);
        (await h.Memory.ListKeysAsync()).Should().BeEmpty();
        (await h.Memory.ExistsAsync("a")).Should().BeFalse();
        (await h.Memory.ExistsAsync("b")).Should().BeFalse();
    }

    [Fact]
    public async Task StoreAsync_OverwriteWithLongerTtl_KeepsTheEntryPastTheFirstExpiry()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("k", "short", new MemoryEntryOptions { Ttl = Second });
        await h.Memory.StoreAsync("k", "long", new MemoryEntryOptions { Ttl = TimeSpan.FromSeconds(5) });

        h.Time.Advance(Second);
        h.Stats().EntryCount.Should().Be(1);
        h.Time.Advance(TimeSpan.FromSeconds(3));
        h.Stats().EntryCount.Should().Be(1);
        (await h.Memory.RetrieveAsync<string>("k")).Should().Be("long");

        h.Time.Advance(Second);
        h.Stats().EntryCount.Should().Be(0);
        h.Stats().Expirations.Should().Be(1);
    }

    [Fact]
    public async Task StoreAsync_OverwriteWithShorterTtl_TheSweepReclaimsItAtTheShorterTime()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("k", "long", new MemoryEntryOptions { Ttl = TimeSpan.FromSeconds(10) });
        await h.Memory.StoreAsync("k", "short", new MemoryEntryOptions { Ttl = TimeSpan.FromSeconds(2) });

        h.Time.Advance(Second);
        h.Stats().EntryCount.Should().Be(1);
        h.Time.Advance(Second);

        h.Stats().EntryCount.Should().Be(0);
        h.Removed.Should().ContainSingle().Which.Reason.Should().Be(MemoryRemovalReason.Expired);
    }

    [Fact]
    public async Task StoreAsync_OverwriteWithoutTtl_RemovesTheExpiry()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("k", "temp", new MemoryEntryOptions { Ttl = Second });
        await h.Memory.StoreAsync("k", "forever");

        h.Time.Advance(Second);
        h.Time.Advance(Second);

        h.Stats().EntryCount.Should().Be(1);
        h.Stats().Expirations.Should().Be(0);
        (await h.Memory.GetEntryInfoAsync("k"))!.ExpiresAt.Should().BeNull();
        (await h.Memory.RetrieveAsync<string>("k")).Should().Be("forever");
    }

    [Fact]
    public async Task StoreAsync_AfterExpiry_StartsANewEntryWithANewCreationTime()
    {
        using var h = WithoutSweep();
        await h.Memory.StoreAsync("k", 1, new MemoryEntryOptions { Ttl = Second });
        h.Time.Advance(TimeSpan.FromMilliseconds(500));
        await h.Memory.StoreAsync("k", 2, new MemoryEntryOptions { Ttl = Second });
        var overwritten = (await h.Memory.GetEntryInfoAsync("k"))!;
        overwritten.CreatedAt.Should().Be(StoreHarness.Epoch);
        overwritten.UpdatedAt.Should().Be(StoreHarness.Epoch.AddMilliseconds(500));

        h.Time.Advance(TimeSpan.FromSeconds(2));
        await h.Memory.StoreAsync("k", 3);

        var info = (await h.Memory.GetEntryInfoAsync("k"))!;
        info.CreatedAt.Should().Be(StoreHarness.Epoch.AddMilliseconds(2500));
        info.UpdatedAt.Should().Be(info.CreatedAt);
        h.Stats().Expirations.Should().Be(1);
    }

    [Fact]
    public async Task IncrementAsync_OnAnEntryWithTtl_KeepsItsExpiry()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("n", 1L, new MemoryEntryOptions { Ttl = TimeSpan.FromSeconds(2), Priority = MemoryPriority.High });

        (await h.Ops.IncrementAsync("n")).Should().Be(2);
        (await h.Memory.GetEntryInfoAsync("n"))!.Should().Match<MemoryEntryInfo>(i =>
            i.ExpiresAt == StoreHarness.Epoch.AddSeconds(2) && i.Priority == MemoryPriority.High);

        h.Time.Advance(Second);
        h.Time.Advance(Second);
        h.Stats().EntryCount.Should().Be(0);
    }

    [Fact]
    public async Task SetHashFieldAsync_OnAnEntryWithTtl_KeepsItsExpiry()
    {
        using var h = new StoreHarness();
        await h.Ops.SetHashAsync("h", new Dictionary<string, int> { ["a"] = 1 }, new MemoryEntryOptions { Ttl = TimeSpan.FromSeconds(2) });

        (await h.Ops.SetHashFieldAsync("h", "b", 2)).Should().BeTrue();
        (await h.Ops.AppendToListAsync("l", [1])).Should().Be(1);

        h.Time.Advance(Second);
        h.Time.Advance(Second);
        h.Stats().EntryCount.Should().Be(1);
        (await h.Memory.ListKeysAsync()).Should().Equal("l");
    }

    [Fact]
    public async Task UpdateMetadataAsync_OnAnExpiredEntry_ReturnsFalse()
    {
        using var h = WithoutSweep();
        await h.Memory.StoreAsync("k", 1, new MemoryEntryOptions { Ttl = Second });
        h.Time.Advance(Second);

        (await h.Memory.UpdateMetadataAsync("k", new Dictionary<string, MetadataValue> { ["a"] = 1 })).Should().BeFalse();
        h.Stats().EntryCount.Should().Be(0);
    }

    [Fact]
    public async Task CompareAndSwapAsync_OnAnExpiredEntry_ReturnsFalseAndDoesNotRecreateIt()
    {
        using var h = WithoutSweep();
        await h.Memory.StoreAsync("k", 1, new MemoryEntryOptions { Ttl = Second });
        h.Time.Advance(Second);

        (await h.Ops.CompareAndSwapAsync("k", 1, 2)).Should().BeFalse();
        (await h.Memory.ExistsAsync("k")).Should().BeFalse();
    }

    [Fact]
    public async Task Dispose_StopsTheSweep()
    {
        var h = new StoreHarness();
        await h.Memory.StoreAsync("k", 1, new MemoryEntryOptions { Ttl = Second });

        h.Dispose();
        h.Time.Advance(TimeSpan.FromSeconds(5));

        h.Removed.Should().BeEmpty("a sweep would have raised EntryRemoved for the expired entry");
        var act = async () => await h.Memory.RetrieveAsync<int>("k");
        await act.Should().ThrowAsync<ObjectDisposedException>();
    }

    [Fact]
    public async Task EntryRemoved_HandlerThatThrows_DoesNotStopTheSweep()
    {
        using var h = new StoreHarness();
        h.Store.EntryRemoved += (_, _) => throw new InvalidOperationException("handler failure");
        await h.Memory.StoreAsync("a", 1, new MemoryEntryOptions { Ttl = Second });
        await h.Memory.StoreAsync("b", 2, new MemoryEntryOptions { Ttl = Second });

        h.Time.Advance(Second);

        h.Stats().EntryCount.Should().Be(0);
        h.Removed.Should().HaveCount(2);
    }
}
