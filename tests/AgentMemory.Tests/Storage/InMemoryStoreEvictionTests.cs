using AgentMemory.Storage;

namespace AgentMemory.Tests.Storage;

public sealed class InMemoryStoreEvictionTests
{
    /// <summary>Key "kN" (4 bytes) plus a 16-byte raw value: 20 bytes.</summary>
    private const int EntrySize = 20;

    private static ValueTask StoreSized(StoreHarness h, string key, MemoryPriority priority = MemoryPriority.Normal) =>
        h.Memory.StoreRawAsync(key, new byte[EntrySize - (2 * key.Length)], new MemoryEntryOptions { Priority = priority });

    [Fact]
    public async Task StoreAsync_OverMaxEntries_EvictsTheOldestEntries()
    {
        using var h = new StoreHarness(o => o.MaxEntries = 3);
        for (var i = 0; i < 5; i++)
        {
            await h.Memory.StoreAsync($"k{i}", i);
        }

        (await h.Memory.ListKeysAsync()).Should().Equal("k2", "k3", "k4");
        var stats = h.Stats();
        stats.EntryCount.Should().Be(3);
        stats.Evictions.Should().Be(2);
        stats.MaxEntries.Should().Be(3);
        stats.MaxBytes.Should().BeNull();
    }

    [Fact]
    public async Task StoreRawAsync_OverMaxBytes_EvictsUntilUnderTheBudget()
    {
        using var h = new StoreHarness(o => o.MaxBytes = 5 * EntrySize);
        for (var i = 0; i < 5; i++)
        {
            await StoreSized(h, $"k{i}");
        }

        h.Stats().BytesUsed.Should().Be(5 * EntrySize);
        h.Stats().Evictions.Should().Be(0);

        await StoreSized(h, "k5");

        (await h.Memory.ListKeysAsync()).Should().Equal("k1", "k2", "k3", "k4", "k5");
        h.Stats().BytesUsed.Should().Be(5 * EntrySize);
        h.Stats().Evictions.Should().Be(1);
        h.Stats().MaxBytes.Should().Be(5 * EntrySize);
    }

    [Fact]
    public async Task StoreRawAsync_OneLargeEntryOverMaxBytes_EvictsAsManyOldEntriesAsNeeded()
    {
        using var h = new StoreHarness(o => o.MaxBytes = 5 * EntrySize);
        for (var i = 0; i < 5; i++)
        {
            await StoreSized(h, $"k{i}");
        }

        await h.Memory.StoreRawAsync("big", new byte[(3 * EntrySize) - 6]);

        (await h.Memory.ListKeysAsync()).Should().Equal("big", "k3", "k4");
        h.Stats().BytesUsed.Should().Be(5 * EntrySize);
        h.Stats().Evictions.Should().Be(3);
    }

    [Fact]
    public async Task StoreAsync_OverCapacity_EvictsLowerPrioritiesFirst()
    {
        using var h = new StoreHarness(o => o.MaxEntries = 3);
        await StoreSized(h, "hi", MemoryPriority.High);
        await StoreSized(h, "lo", MemoryPriority.Low);
        await StoreSized(h, "n1");

        await StoreSized(h, "n2");
        (await h.Memory.ListKeysAsync()).Should().BeEquivalentTo("hi", "n1", "n2");

        await StoreSized(h, "n3");
        (await h.Memory.ListKeysAsync()).Should().BeEquivalentTo("hi", "n2", "n3");

        await StoreSized(h, "n4");
        (await h.Memory.ListKeysAsync()).Should().BeEquivalentTo("hi", "n3", "n4");
        h.Stats().Evictions.Should().Be(3);
    }

    [Fact]
    public async Task StoreAsync_OnlyCriticalLeft_EvictsCriticalEntriesLast()
    {
        using var h = new StoreHarness(o => o.MaxEntries = 2);
        await StoreSized(h, "c1", MemoryPriority.Critical);
        await StoreSized(h, "c2", MemoryPriority.Critical);
        await StoreSized(h, "h1", MemoryPriority.High);

        (await h.Memory.ListKeysAsync()).Should().BeEquivalentTo("c1", "c2");

        await StoreSized(h, "c3", MemoryPriority.Critical);

        (await h.Memory.ListKeysAsync()).Should().BeEquivalentTo("c2", "c3");
    }

    [Fact]
    public async Task StoreAsync_OverwriteWithHigherPriority_ProtectsTheEntry()
    {
        using var h = new StoreHarness(o => o.MaxEntries = 2);
        await StoreSized(h, "a", MemoryPriority.Low);
        await StoreSized(h, "b", MemoryPriority.Normal);
        await StoreSized(h, "a", MemoryPriority.High);

        await StoreSized(h, "c", MemoryPriority.Normal);

        (await h.Memory.ListKeysAsync()).Should().BeEquivalentTo("a", "c");
        (await h.Memory.GetEntryInfoAsync("a"))!.Priority.Should().Be(MemoryPriority.High);
    }

    [Fact]
    public async Task StoreAsync_ReadSinceInsertion_GivesASecondChance()
    {
        using var h = new StoreHarness(o => o.MaxEntries = 3);
        await h.Memory.StoreAsync("a", 1);
        await h.Memory.StoreAsync("b", 2);
        await h.Memory.StoreAsync("c", 3);
        (await h.Memory.RetrieveAsync<int>("a")).Should().Be(1);

        await h.Memory.StoreAsync("d", 4);

        (await h.Memory.ListKeysAsync()).Should().Equal("a", "c", "d");
        h.Removed.Should().ContainSingle().Which.Key.Should().Be("b");
    }

    [Fact]
    public async Task StoreAsync_OverwriteSinceInsertion_GivesASecondChance()
    {
        using var h = new StoreHarness(o => o.MaxEntries = 3);
        await h.Memory.StoreAsync("a", 1);
        await h.Memory.StoreAsync("b", 2);
        await h.Memory.StoreAsync("c", 3);
        await h.Memory.StoreAsync("a", 10);

        await h.Memory.StoreAsync("d", 4);

        (await h.Memory.ListKeysAsync()).Should().Equal("a", "c", "d");
    }

    [Fact]
    public async Task StoreAsync_SecondChanceUsedUp_TheEntryIsEvictedOnTheNextPass()
    {
        using var h = new StoreHarness(o => o.MaxEntries = 2);
        await h.Memory.StoreAsync("a", 1);
        await h.Memory.StoreAsync("b", 2);
        await h.Memory.RetrieveAsync<int>("a");

        await h.Memory.StoreAsync("c", 3); // a gets its second chance and moves behind c; b goes
        await h.Memory.StoreAsync("d", 4); // c is now the oldest unaccessed entry
        await h.Memory.StoreAsync("e", 5); // a's bit was cleared by the first pass: no third chance

        (await h.Memory.ListKeysAsync()).Should().Equal("d", "e");
        h.Removed.Select(e => e.Key).Should().Equal("b", "c", "a");
    }

    [Fact]
    public async Task EntryRemoved_OnEviction_ReportsTheKeySizeAndReason()
    {
        using var h = new StoreHarness(o => o.MaxEntries = 1);
        await h.Memory.StoreAsync("first", "value", new MemoryEntryOptions { Priority = MemoryPriority.High });
        var info = (await h.Memory.GetEntryInfoAsync("first"))!;

        await h.Memory.StoreAsync("second", "value", new MemoryEntryOptions { Priority = MemoryPriority.High });

        var removed = h.Removed.Should().ContainSingle().Subject;
        removed.Key.Should().Be("first");
        removed.Reason.Should().Be(MemoryRemovalReason.Evicted);
        removed.Info.Should().Be(info);
        removed.Info.SizeBytes.Should().Be((2 * "first".Length) + 6);
        h.Stats().Evictions.Should().Be(1);
        h.Stats().Expirations.Should().Be(0);
    }

    [Fact]
    public async Task EntryRemoved_HandlerReadingTheStore_SeesTheEntryAlreadyGone()
    {
        using var h = new StoreHarness(o => o.MaxEntries = 1);
        var seen = new List<(string Key, bool Exists, long Count)>();
        h.Store.EntryRemoved += (_, e) => seen.Add((e.Key, h.Memory.ExistsAsync(e.Key).Sync(), h.Stats().EntryCount));
        await h.Memory.StoreAsync("a", 1, new MemoryEntryOptions { Ttl = TimeSpan.FromSeconds(5) });

        await h.Memory.StoreAsync("b", 2);

        seen.Should().Equal(("a", false, 1L));
    }

    [Fact]
    public async Task EntryRemoved_HandlerThatThrows_DoesNotFailTheWrite()
    {
        using var h = new StoreHarness(o => o.MaxEntries = 1);
        h.Store.EntryRemoved += (_, _) => throw new InvalidOperationException("handler failure");
        await h.Memory.StoreAsync("a", 1);

        var act = async () => await h.Memory.StoreAsync("b", 2);

        await act.Should().NotThrowAsync();
        (await h.Memory.ListKeysAsync()).Should().Equal("b");
    }

    [Fact]
    public async Task StoreAsync_ValueLargerThanMaxBytes_ThrowsCapacityAndChangesNothing()
    {
        using var h = new StoreHarness(o => o.MaxBytes = 100);
        await h.Memory.StoreAsync("k", "old");
        await h.Memory.StoreAsync("other", 1);
        var before = h.Stats();

        var act = async () => await h.Memory.StoreAsync("k", new string('x', 200));

        (await act.Should().ThrowAsync<MemoryCapacityException>()).Which.Key.Should().Be("k");
        (await h.Memory.RetrieveAsync<string>("k")).Should().Be("old");
        (await h.Memory.ExistsAsync("other")).Should().BeTrue();
        var after = h.Stats();
        after.BytesUsed.Should().Be(before.BytesUsed);
        after.EntryCount.Should().Be(before.EntryCount);
        after.Evictions.Should().Be(0);
        h.Removed.Should().BeEmpty();
    }

    [Fact]
    public async Task StoreRawAsync_EntryExactlyMaxBytes_IsAcceptedAndEvictsEverythingElse()
    {
        using var h = new StoreHarness(o => o.MaxBytes = 100);
        await h.Memory.StoreAsync("other", 1);

        await h.Memory.StoreRawAsync("k", new byte[98]);

        (await h.Memory.ListKeysAsync()).Should().Equal("k");
        h.Stats().BytesUsed.Should().Be(100);
    }

    [Fact]
    public async Task StoreRawAsync_EntryOneByteOverMaxBytes_Throws()
    {
        using var h = new StoreHarness(o => o.MaxBytes = 100);

        var act = async () => await h.Memory.StoreRawAsync("k", new byte[99]);

        await act.Should().ThrowAsync<MemoryCapacityException>();
        h.Stats().EntryCount.Should().Be(0);
    }

    [Fact]
    public async Task StoreAsync_MetadataPushesEntryOverMaxBytes_Throws()
    {
        using var h = new StoreHarness(o => o.MaxBytes = 40);
        var metadata = new Dictionary<string, MetadataValue> { ["note"] = new string('n', 40) };

        var act = async () => await h.Memory.StoreAsync("k", 1, new MemoryEntryOptions { Metadata = metadata });

        await act.Should().ThrowAsync<MemoryCapacityException>();
        (await h.Memory.ExistsAsync("k")).Should().BeFalse();
    }

    [Fact]
    public async Task AppendToListAsync_GrowthPastMaxBytes_ThrowsAndLeavesTheListUnchanged()
    {
        using var h = new StoreHarness(o => o.MaxBytes = 64);
        await h.Ops.AppendToListAsync("l", ["a", "b"]);
        var before = (await h.Memory.GetEntryInfoAsync("l"))!;
        var statsBefore = h.Stats();

        var act = async () => await h.Ops.AppendToListAsync("l", ["c", new string('x', 64)]);

        await act.Should().ThrowAsync<MemoryCapacityException>();
        (await h.Ops.GetListAsync<string>("l")).Should().Equal("a", "b");
        (await h.Memory.GetEntryInfoAsync("l")).Should().Be(before);
        h.Stats().BytesUsed.Should().Be(statsBefore.BytesUsed);
    }

    [Fact]
    public async Task AppendToListAsync_NewListLargerThanMaxBytes_ThrowsAndCreatesNothing()
    {
        using var h = new StoreHarness(o => o.MaxBytes = 64);

        var act = async () => await h.Ops.AppendToListAsync("l", [new string('x', 64)]);

        await act.Should().ThrowAsync<MemoryCapacityException>();
        (await h.Memory.ExistsAsync("l")).Should().BeFalse();
        h.Stats().BytesUsed.Should().Be(0);
    }

    [Fact]
    public async Task SetHashFieldAsync_GrowthPastMaxBytes_ThrowsAndLeavesTheHashUnchanged()
    {
        using var h = new StoreHarness(o => o.MaxBytes = 64);
        await h.Ops.SetHashFieldAsync("h", "a", "1");
        var before = (await h.Memory.GetEntryInfoAsync("h"))!;

        var act = async () => await h.Ops.SetHashFieldAsync("h", "b", new string('x', 64));
        var overwrite = async () => await h.Ops.SetHashFieldAsync("h", "a", new string('x', 64));

        await act.Should().ThrowAsync<MemoryCapacityException>();
        await overwrite.Should().ThrowAsync<MemoryCapacityException>();
        (await h.Ops.GetHashAsync<string>("h")).Should().Equal(new Dictionary<string, string> { ["a"] = "1" });
        (await h.Memory.GetEntryInfoAsync("h")).Should().Be(before);
        h.Stats().BytesUsed.Should().Be(before.SizeBytes);
    }

    [Fact]
    public async Task SetHashAsync_LargerThanMaxBytes_ThrowsAndKeepsTheOldEntry()
    {
        using var h = new StoreHarness(o => o.MaxBytes = 64);
        await h.Memory.StoreAsync("h", "old");

        var act = async () => await h.Ops.SetHashAsync("h", new Dictionary<string, string> { ["a"] = new string('x', 64) });

        await act.Should().ThrowAsync<MemoryCapacityException>();
        (await h.Memory.RetrieveAsync<string>("h")).Should().Be("old");
    }

    [Fact]
    public async Task UpdateMetadataAsync_GrowthPastMaxBytes_ThrowsAndKeepsTheOldMetadata()
    {
        using var h = new StoreHarness(o => o.MaxBytes = 64);
        await h.Memory.StoreAsync("k", 1, new MemoryEntryOptions { Metadata = new Dictionary<string, MetadataValue> { ["a"] = 1 } });

        var act = async () => await h.Memory.UpdateMetadataAsync("k", new Dictionary<string, MetadataValue> { ["b"] = new string('x', 64) });

        await act.Should().ThrowAsync<MemoryCapacityException>();
        (await h.Memory.GetMetadataAsync("k")).Should().Equal(new Dictionary<string, MetadataValue> { ["a"] = 1 });
    }

    [Fact]
    public async Task CompareAndSwapAsync_NewValueLargerThanMaxBytes_ThrowsAndKeepsTheValue()
    {
        using var h = new StoreHarness(o => o.MaxBytes = 64);
        await h.Memory.StoreAsync("k", "a");

        var act = async () => await h.Ops.CompareAndSwapAsync("k", "a", new string('x', 64));

        await act.Should().ThrowAsync<MemoryCapacityException>();
        (await h.Memory.RetrieveAsync<string>("k")).Should().Be("a");
    }

    [Fact]
    public async Task IncrementAsync_OverMaxEntries_EvictsLikeAnyOtherWrite()
    {
        using var h = new StoreHarness(o => o.MaxEntries = 2);
        await h.Ops.IncrementAsync("a");
        await h.Ops.IncrementAsync("b");

        await h.Ops.IncrementAsync("c");

        (await h.Memory.ListKeysAsync()).Should().Equal("b", "c");
        h.Stats().Evictions.Should().Be(1);
    }
}
