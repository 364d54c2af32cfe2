using AgentMemory.Tests.Storage;

namespace AgentMemory.Tests.Streaming;

/// <summary>Every mutation path of the store emits the right change.</summary>
public sealed class ChangeEmissionTests
{
    private static byte[] Bytes(params byte[] b) => b;

    [Fact]
    public async Task Store_CreateUpdateDelete_EmitsChangesWithOldAndNewValuesInSequence()
    {
        using var h = new StreamingHarness();
        await using var sub = h.Subscribe(h.CreateStream());
        await using var reader = sub.GetAsyncEnumerator();

        await h.Store.StoreRawAsync("k", Bytes(1), new MemoryEntryOptions { Metadata = new Dictionary<string, MetadataValue> { ["tag"] = "a" } });
        await h.Store.StoreRawAsync("k", Bytes(2));
        await h.Store.DeleteAsync("k");
        await h.Store.DeleteAsync("k"); // nothing to delete: no change

        var changes = reader.Take(3);
        changes.Select(c => c.ChangeType).Should().Equal(MemoryChangeType.Created, MemoryChangeType.Updated, MemoryChangeType.Deleted);
        changes.Select(c => c.Sequence).Should().Equal(1, 2, 3);
        changes[0].OldValue.Should().BeNull();
        changes[0].NewValue!.Value.ToArray().Should().Equal(1);
        changes[0].Metadata!["tag"].Should().Be((MetadataValue)"a");
        changes[1].OldValue!.Value.ToArray().Should().Equal(1);
        changes[1].NewValue!.Value.ToArray().Should().Equal(2);
        changes[1].Metadata.Should().BeNull();
        changes[2].OldValue!.Value.ToArray().Should().Equal(2);
        changes[2].NewValue.Should().BeNull();
        changes.Should().OnlyContain(c => c.Key == "k" && c.Timestamp == StoreHarness.Epoch);
        sub.HasBuffered().Should().BeFalse();
    }

    [Fact]
    public async Task Operations_CountersHashesListsAndMetadata_EmitChanges()
    {
        using var h = new StreamingHarness();
        await using var sub = h.Subscribe(h.CreateStream());
        await using var reader = sub.GetAsyncEnumerator();

        await h.Store.IncrementAsync("n", 1);
        await h.Store.SetHashFieldAsync("h", "f", "v");
        await h.Store.AppendToListAsync("l", ["x"]);
        await h.Store.UpdateMetadataAsync("n", new Dictionary<string, MetadataValue> { ["m"] = 1L });

        var changes = reader.Take(4);
        changes.Select(c => (c.Key, c.ChangeType)).Should().Equal(
            ("n", MemoryChangeType.Created), ("h", MemoryChangeType.Created), ("l", MemoryChangeType.Created), ("n", MemoryChangeType.Updated));
        changes[1].NewValue.Should().BeNull("a hash has no single serialized value");
        changes[3].Metadata!["m"].Should().Be((MetadataValue)1L);
    }

    [Fact]
    public async Task Expiry_BySweepAndByRead_EmitsExpired()
    {
        using var h = new StreamingHarness();
        await using var sub = h.Subscribe(h.CreateStream(null, MemoryChangeType.Expired));
        await using var reader = sub.GetAsyncEnumerator();
        await h.Store.StoreAsync("swept", 1, new MemoryEntryOptions { Ttl = TimeSpan.FromSeconds(1) });
        await h.Store.StoreAsync("read", 2, new MemoryEntryOptions { Ttl = TimeSpan.FromSeconds(1) });

        h.Time.Advance(TimeSpan.FromSeconds(2));
        (await h.Store.RetrieveAsync<int>("read")).Should().Be(0);
        h.Store.SweepExpired();

        var changes = reader.Take(2);
        changes.Select(c => c.Key).Should().Equal("read", "swept");
        changes.Should().OnlyContain(c => c.ChangeType == MemoryChangeType.Expired && c.OldValue != null && c.NewValue == null);
    }

    [Fact]
    public async Task Eviction_OverCapacity_EmitsEvicted()
    {
        using var h = new StreamingHarness(hotTier: o => o.MaxEntries = 1);
        await using var sub = h.Subscribe(h.CreateStream(null, MemoryChangeType.Evicted));
        await using var reader = sub.GetAsyncEnumerator();

        await h.Store.StoreAsync("a", 1);
        await h.Store.StoreAsync("b", 2);

        var change = reader.Take(1).Single();
        change.Key.Should().Be("a");
        change.ChangeType.Should().Be(MemoryChangeType.Evicted);
    }

    [Fact]
    public async Task Clear_EmitsDeletedForEveryEntry()
    {
        using var h = new StreamingHarness();
        await h.Store.StoreAsync("a", 1);
        await h.Store.StoreAsync("b", 2);
        await using var sub = h.Subscribe(h.CreateStream());
        await using var reader = sub.GetAsyncEnumerator();

        await h.Store.ClearAsync();

        reader.Take(2).Should().OnlyContain(c => c.ChangeType == MemoryChangeType.Deleted).And.Subject.Select(c => c.Key).Should().BeEquivalentTo("a", "b");
    }

    [Fact]
    public async Task Reads_ReportedOnlyWhenEmitAccessedIsOn()
    {
        using var off = new StreamingHarness();
        await off.Store.StoreAsync("k", 1);
        await off.Store.RetrieveAsync<int>("k");
        off.Feed.LastSequence.Should().Be(1, "reads are not reported by default");

        using var on = new StreamingHarness(o => o.EmitAccessed = true);
        await using var sub = on.Subscribe(on.CreateStream(null, MemoryChangeType.Accessed));
        await using var reader = sub.GetAsyncEnumerator();
        await on.Store.StoreAsync("k", 1);
        await on.Store.RetrieveAsync<int>("k");
        await on.Store.RetrieveAsync<int>("missing");

        var change = reader.Take(1).Single();
        change.Key.Should().Be("k");
        change.NewValue.Should().NotBeNull();
        sub.HasBuffered().Should().BeFalse("a miss is not an access");
    }

    [Fact]
    public async Task Feed_WithoutLogOrSubscribers_IsInactiveAndNumbersNothing()
    {
        using var h = new StreamingHarness(o => o.RetainedChanges = 0);
        h.Feed.IsActive.Should().BeFalse();
        await h.Store.StoreAsync("k", 1);
        h.Feed.LastSequence.Should().Be(0);

        var sub = h.Subscribe(h.CreateStream());
        h.Feed.IsActive.Should().BeTrue();
        await h.Store.StoreAsync("k", 2);
        await sub.DisposeAsync();

        h.Feed.IsActive.Should().BeFalse();
        h.Feed.LastSequence.Should().Be(1);
    }

    [Fact]
    public void AttachChangeFeed_Twice_Throws()
    {
        using var h = new StreamingHarness();
        var act = () => AgentMemory.Streaming.MemoryStreamingFactory.Create(h.Store);
        act.Should().Throw<InvalidOperationException>().WithMessage("*already has a change feed*");
    }
}
