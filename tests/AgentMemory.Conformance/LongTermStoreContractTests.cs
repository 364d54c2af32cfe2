using AgentMemory.Persistence;

namespace AgentMemory.Conformance;

/// <summary>
/// The contract of <see cref="ILongTermStore"/>, the long-term tier under a tiered store. An implementation runs it by
/// deriving a class whose subject is an empty store that compresses payloads of at least 1,024 bytes. Times are
/// explicit <c>nowTicks</c> arguments, so no clock is advanced.
/// </summary>
public abstract class LongTermStoreContractTests : ConformanceTestBase<ILongTermStore>
{
    private const long Now = 1_000_000;

    private ILongTermStore Store => Service;

    [SkippableFact]
    public void Get_ReturnsExactlyWhatWasWritten_ForEveryKindAndPayloadSize()
    {
        var big = new byte[10_000];
        for (var i = 0; i < big.Length; i++)
        {
            big[i] = (byte)(i % 7);
        }

        PersistedEntry[] entries =
        [
            new("value", MemoryEntryKind.Value, [1, 2, 3], null, MemoryPriority.High, 10, 20, 30, PersistedEntry.NoExpiry, 4),
            new("empty", MemoryEntryKind.Value, [], null, MemoryPriority.Low, 1, 1, 1, Now + 1, 0),
            new("big", MemoryEntryKind.Value, big, null, MemoryPriority.Normal, 1, 2, 3, Now + 100, 5),
            new("hash", MemoryEntryKind.Hash, [0x80], null, MemoryPriority.Critical, 1, 1, 1, PersistedEntry.NoExpiry, 0),
            new("list", MemoryEntryKind.List, [0x90], null, MemoryPriority.Normal, 1, 1, 1, PersistedEntry.NoExpiry, 0),
            new("ключ:🧠", MemoryEntryKind.Value, [9], null, MemoryPriority.Normal, long.MinValue + 1, 0, long.MaxValue - 1, PersistedEntry.NoExpiry, long.MaxValue),
        ];

        Store.Apply([.. entries.Select(LongTermWrite.Upsert)]);

        foreach (var entry in entries)
        {
            var read = Store.Get(entry.Key, Now);
            read.Should().NotBeNull(entry.Key);
            read!.Payload.Should().Equal(entry.Payload, entry.Key);
            (read with { Payload = entry.Payload }).Should().Be(entry);
        }

        Store.Get("absent", Now).Should().BeNull();
    }

    [SkippableFact]
    public void Get_RowExpiredAtNow_IsAbsent_ButStillCountsForDelete()
    {
        Store.Upsert(Entry("k", expires: Now));

        Store.Get("k", Now - 1).Should().NotBeNull();
        Store.Get("k", Now).Should().BeNull();
        Store.Count(Now).Should().Be(0);
        Store.Delete("k").Should().BeTrue("an expired row is still a row until it is swept");
        Store.Delete("k").Should().BeFalse();
    }

    [SkippableFact]
    public void Apply_LastWriteOfAKeyWins_AndDeletesApplyInTheSameBatch()
    {
        Store.Apply([LongTermWrite.Upsert(Entry("a", created: 1)), LongTermWrite.Upsert(Entry("b", created: 1))]);

        Store.Apply(
        [
            LongTermWrite.Upsert(Entry("a", created: 2)),
            LongTermWrite.Delete("b"),
            LongTermWrite.Delete("a"),
            LongTermWrite.Upsert(Entry("a", created: 3)),
            LongTermWrite.Upsert(Entry("c", created: 1)),
            LongTermWrite.Delete("never-there"),
        ]);
        Store.Apply([]);

        Store.Get("a", Now)!.CreatedTicks.Should().Be(3);
        Store.Get("b", Now).Should().BeNull();
        Store.Count(Now).Should().Be(2);
    }

    [SkippableFact]
    public void UpdateAccess_NeverLowersCountsOrTimes_AndIgnoresMissingKeys()
    {
        Store.Upsert(Entry("a") with { AccessCount = 5, LastAccessTicks = 50 });

        Store.UpdateAccess([("a", 3, 40), ("a", 7, 45), ("missing", 1, 1)]);
        Store.UpdateAccess([]);

        var row = Store.Get("a", Now)!;
        row.AccessCount.Should().Be(7);
        row.LastAccessTicks.Should().Be(50);
        Store.Get("missing", Now).Should().BeNull();
    }

    [SkippableFact]
    public void DeleteAll_ReturnsTheLiveCount_AndEmptiesTheStore()
    {
        Store.Apply([LongTermWrite.Upsert(Entry("a")), LongTermWrite.Upsert(Entry("b")), LongTermWrite.Upsert(Entry("old", expires: Now - 1))]);

        Store.DeleteAll(Now).Should().Be(2);

        Store.Count(0).Should().Be(0);
        Store.Delete("old").Should().BeFalse();
    }

    [SkippableFact]
    public void RemoveExpired_DeletesOnlyExpiredRows_UpToTheLimit()
    {
        Store.Apply([.. Enumerable.Range(0, 5).Select(i => LongTermWrite.Upsert(Entry($"e{i}", expires: 100 + i))), LongTermWrite.Upsert(Entry("live"))]);

        Store.RemoveExpired(103, 2).Should().Be(2);
        Store.RemoveExpired(103, 100).Should().Be(2);
        Store.RemoveExpired(103, 100).Should().Be(0);
        Store.Count(0).Should().Be(2, "e4 (expires at 104) and the row that never expires are left");
    }

    [SkippableFact]
    public void Keys_ByPrefixGlobAndAfter_InOrdinalOrder_AcrossManyRows()
    {
        var writes = Enumerable.Range(0, 2_500).Select(i => LongTermWrite.Upsert(Entry($"user:{i:D5}"))).ToList();
        writes.Add(LongTermWrite.Upsert(Entry("user_x")));
        writes.Add(LongTermWrite.Upsert(Entry("user%y")));
        writes.Add(LongTermWrite.Upsert(Entry("other:1")));
        writes.Add(LongTermWrite.Upsert(Entry("user:expired", expires: Now)));
        Store.Apply(writes);

        Store.Keys("user:", _ => true, null, Now).Should().HaveCount(2_500).And.BeInAscendingOrder(StringComparer.Ordinal);
        Store.Keys("user:", k => k.EndsWith('7'), "user:01000", Now).Should().HaveCount(150).And.OnlyContain(k => string.CompareOrdinal(k, "user:01000") > 0);
        Store.Keys("user_", _ => true, null, Now).Should().Equal(["user_x"], "'_' in a prefix is literal");
        Store.Keys("user%", _ => true, null, Now).Should().Equal(["user%y"], "'%' in a prefix is literal");
        Store.Keys(string.Empty, _ => true, null, Now).Should().HaveCount(2_503);
        Store.Keys("nothing", _ => true, null, Now).Should().BeEmpty();
    }

    [SkippableFact]
    public void ForEach_VisitsEveryLiveEntry_WithItsPayloadSize()
    {
        Store.Apply([LongTermWrite.Upsert(Entry("a", payload: [1, 2, 3])), LongTermWrite.Upsert(Entry("b", payload: [4])), LongTermWrite.Upsert(Entry("old", expires: Now))]);
        var withPayload = new Dictionary<string, (byte[] Payload, long Size)>();
        var withoutPayload = new Dictionary<string, long>();

        Store.ForEach(Now, withPayload: true, (entry, size) => withPayload.Add(entry.Key, (entry.Payload, size)));
        Store.ForEach(Now, withPayload: false, (entry, size) => withoutPayload.Add(entry.Key, size));

        withPayload.Keys.Should().BeEquivalentTo("a", "b");
        withPayload["a"].Payload.Should().Equal(1, 2, 3);
        withPayload["a"].Size.Should().Be(3);
        withoutPayload.Should().BeEquivalentTo(new Dictionary<string, long> { ["a"] = 3, ["b"] = 1 });
    }

    [SkippableFact]
    public void OpenSnapshot_IsFixedWhenItReturns_AndReplaceAllRestoresIt()
    {
        Store.Apply([.. Enumerable.Range(0, 1_500).Select(i => LongTermWrite.Upsert(Entry($"k{i:D4}", created: i)))]);
        List<PersistedEntry> rows;
        using (var snapshot = Store.OpenSnapshot(Now))
        {
            Store.Delete("k0000");
            Store.Upsert(Entry("later"));
            rows = [.. snapshot.Entries];
        }

        rows.Select(r => r.Key).Should().HaveCount(1_500).And.BeInAscendingOrder(StringComparer.Ordinal).And.NotContain("later");
        Store.ReplaceAll(rows);
        Store.Count(Now).Should().Be(1_500);
        Store.Get("later", Now).Should().BeNull("ReplaceAll replaces everything");
        Store.Get("k0999", Now)!.CreatedTicks.Should().Be(999);
        Store.IntegrityCheck().Should().Be("ok");
        Store.Location.Should().NotBeNullOrWhiteSpace();
    }

    [SkippableFact]
    public async Task ConcurrentWritersAndReaders_OfDifferentKeys_SeeTheirOwnWrites()
    {
        const int threads = 6;
        using var start = new Barrier(threads);
        await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < 50; i++)
            {
                Store.Apply([LongTermWrite.Upsert(Entry($"t{t}:{i}", created: i)), LongTermWrite.Upsert(Entry($"t{t}:last", created: i))]);
                Store.Get($"t{t}:last", Now)!.CreatedTicks.Should().Be(i);
                Store.UpdateAccess([($"t{t}:last", i, i)]);
                Store.Keys($"t{t}:", _ => true, null, Now).Should().HaveCount(i + 2);
            }
        })));

        Store.Count(Now).Should().Be(threads * 51);
    }

    private static PersistedEntry Entry(string key, long created = 1, long expires = PersistedEntry.NoExpiry, byte[]? payload = null) =>
        new(key, MemoryEntryKind.Value, payload ?? [1, 2, 3], null, MemoryPriority.Normal, created, created, created, expires, 0);
}
