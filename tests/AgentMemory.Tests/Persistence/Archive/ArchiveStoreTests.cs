using AgentMemory.Persistence;
using AgentMemory.Persistence.Archive;
using static AgentMemory.Tests.Persistence.PersistedEntries;

namespace AgentMemory.Tests.Persistence.Archive;

public sealed class ArchiveStoreTests
{
    [Fact]
    public void Open_MissingDirectory_CreatesItWithAnEmptyFirstSegment()
    {
        using var harness = new ArchiveHarness();

        Directory.Exists(harness.Directory).Should().BeTrue();
        harness.Segments.Select(Path.GetFileName).Should().Equal("segment-000001.arc");
        harness.Store.Count.Should().Be(0);
        harness.Store.Keys.Should().BeEmpty();
        harness.Store.TotalBytes.Should().Be(ArchiveFormat.HeaderSize);
        harness.Store.LiveBytes.Should().Be(0);
    }

    [Fact]
    public void AppendThenTryGet_EveryField_RoundTrips()
    {
        using var harness = new ArchiveHarness();
        var entries = Enumerable.Range(0, 12).Select(i => Create($"k{i}", $"value {i}", PersistedEntry.NoExpiry - i, seed: i)).ToList();

        harness.Store.Append(entries);

        foreach (var entry in entries)
        {
            harness.Describe(entry.Key).Should().Be(Describe(entry));
        }

        harness.Store.Count.Should().Be(12);
        harness.Store.Keys.Should().BeEquivalentTo(entries.Select(e => e.Key));
        harness.Store.LiveBytes.Should().BePositive().And.BeLessThanOrEqualTo(harness.Store.TotalBytes);
    }

    [Fact]
    public void Append_SameKeyLater_LaterRecordWins_AlsoWithinOneBatch()
    {
        using var harness = new ArchiveHarness();
        harness.Store.Append([Create("a", "first"), Create("b", "b1"), Create("b", "b2")]);
        harness.Store.Append([Create("a", "second")]);

        harness.Describe("a").Should().Be(Describe(Create("a", "second")));
        harness.Describe("b").Should().Be(Describe(Create("b", "b2")));
        harness.Store.Count.Should().Be(2);

        harness.Reopen();

        harness.Describe("a").Should().Be(Describe(Create("a", "second")));
        harness.Describe("b").Should().Be(Describe(Create("b", "b2")));
    }

    [Fact]
    public void Remove_PresentKey_WritesATombstoneThatSurvivesReopen()
    {
        using var harness = new ArchiveHarness();
        harness.Store.Append([Create("a", "1"), Create("b", "2")]);

        harness.Store.Remove("a").Should().BeTrue();
        harness.Store.Remove("a").Should().BeFalse();
        harness.Store.Remove("never").Should().BeFalse();

        harness.Get("a").Should().BeNull();
        harness.Reopen();
        harness.Get("a").Should().BeNull();
        harness.Describe("b").Should().Be(Describe(Create("b", "2")));
        harness.Store.Count.Should().Be(1);
    }

    [Fact]
    public void Remove_AbsentKey_WritesNothing()
    {
        using var harness = new ArchiveHarness();
        var before = harness.Store.TotalBytes;

        harness.Store.Remove("ghost").Should().BeFalse();

        harness.Store.TotalBytes.Should().Be(before);
        new FileInfo(harness.Segments[0]).Length.Should().Be(before);
    }

    [Fact]
    public void Reopen_RebuildsTheIndexFromEverySegment()
    {
        using var harness = new ArchiveHarness(o => o.MaxSegmentBytes = ArchiveOptions.MinSegmentBytes);
        var random = new Random(7);
        var expected = new Dictionary<string, PersistedEntry>();
        for (var i = 0; i < 40; i++)
        {
            var value = new byte[random.Next(100, 900)];
            random.NextBytes(value);
            var entry = Create($"k{i % 25}", Convert.ToBase64String(value), seed: i);
            harness.Store.Append([entry]);
            expected[entry.Key] = entry;
        }

        harness.Segments.Length.Should().BeGreaterThan(1);
        harness.Reopen();

        harness.Store.Count.Should().Be(expected.Count);
        foreach (var (key, entry) in expected)
        {
            harness.Describe(key).Should().Be(Describe(entry));
        }
    }

    [Fact]
    public void Append_PastMaxSegmentBytes_RollsToANewSegment_AndEachSegmentStaysWithinTheLimit()
    {
        using var harness = new ArchiveHarness(o => o.MaxSegmentBytes = ArchiveOptions.MinSegmentBytes);
        var random = new Random(1);
        for (var i = 0; i < 30; i++)
        {
            var value = new byte[1000];
            random.NextBytes(value);
            harness.Store.Append([Create($"k{i}", Convert.ToBase64String(value))]);
        }

        var segments = harness.Segments;
        segments.Length.Should().BeGreaterThan(3);
        segments.Select(Path.GetFileName).Should().StartWith(["segment-000001.arc", "segment-000002.arc"]);
        segments.Should().OnlyContain(path => new FileInfo(path).Length <= ArchiveOptions.MinSegmentBytes);
        harness.Store.SegmentCount.Should().Be(segments.Length);
        harness.Store.TotalBytes.Should().Be(segments.Sum(path => new FileInfo(path).Length));
    }

    [Fact]
    public void Append_OneBlockLargerThanASegment_GoesIntoASegmentOfItsOwn()
    {
        using var harness = new ArchiveHarness(o => o.MaxSegmentBytes = ArchiveOptions.MinSegmentBytes);
        var big = new byte[3 * ArchiveOptions.MinSegmentBytes];
        new Random(3).NextBytes(big);

        harness.Store.Append([Create("small", "x")]);
        harness.Store.Append([Create("big", Convert.ToBase64String(big))]);
        harness.Store.Append([Create("after", "y")]);

        harness.Segments.Length.Should().Be(3);
        harness.Reopen();
        harness.Get("big")!.Payload.Length.Should().Be(Convert.ToBase64String(big).Length);
        harness.Get("after").Should().NotBeNull();
    }

    [Fact]
    public void TryGet_ExpiredEntry_IsNotReturned_AndReopenDropsIt()
    {
        using var harness = new ArchiveHarness();
        var expires = harness.Now + TimeSpan.FromMinutes(5).Ticks;
        harness.Store.Append([Create("soon", "v", expires), Create("never", "v")]);

        harness.Get("soon").Should().NotBeNull();
        harness.Store.TryGet("soon", expires - 1, out _).Should().BeTrue();
        harness.Store.TryGet("soon", expires, out var entry).Should().BeFalse();
        entry.Should().BeNull();

        harness.Time.Advance(TimeSpan.FromMinutes(5));
        harness.Get("soon").Should().BeNull();
        harness.Store.Keys.Should().Equal("never");
        harness.Store.KeysMatching(_ => true).Should().Equal("never");
        harness.Store.Count.Should().Be(2, "the index keeps an expired key until RemoveExpired or a reopen drops it");

        harness.Reopen();
        harness.Store.Count.Should().Be(1);
        harness.Get("soon").Should().BeNull();
    }

    [Fact]
    public void RemoveExpired_DropsExactlyTheExpired_AndTheirTombstonesSurviveReopen()
    {
        using var harness = new ArchiveHarness();
        var now = harness.Now;
        harness.Store.Append([Create("a", "1", now + 10), Create("b", "2", now + 20), Create("c", "3")]);

        harness.Store.RemoveExpired(now + 15).Should().Be(1);
        harness.Store.RemoveExpired(now + 15).Should().Be(0);

        harness.Store.Count.Should().Be(2);
        harness.Store.Keys.Should().BeEquivalentTo(["b", "c"]);
        harness.Reopen();
        harness.Store.Keys.Should().BeEquivalentTo(["b", "c"]);
    }

    [Fact]
    public void ReadAll_ReturnsEveryLiveEntryOnce_AcrossSegments()
    {
        using var harness = new ArchiveHarness(o => o.MaxSegmentBytes = ArchiveOptions.MinSegmentBytes);
        var expected = new Dictionary<string, PersistedEntry>();
        for (var i = 0; i < 60; i++)
        {
            var entry = Create($"k{i % 23}", RandomText(i, 300), i % 5 == 0 ? harness.Now + 10 : PersistedEntry.NoExpiry, seed: i);
            harness.Store.Append([entry, Create($"gone{i}", "x")]);
            harness.Store.Remove($"gone{i}");
            expected[entry.Key] = entry;
        }

        var now = harness.Now + 10;
        var live = expected.Values.Where(e => !e.IsExpiredAt(now)).Select(Describe).ToList();

        harness.Store.ReadAll(now).Select(Describe).Should().BeEquivalentTo(live);
    }

    [Fact]
    public void ReadAll_CompactionDuringEnumeration_StillYieldsEveryEntry()
    {
        using var harness = new ArchiveHarness();
        for (var i = 0; i < 10; i++)
        {
            harness.Store.Append([Create($"k{i}", $"v{i}")]);
        }

        var seen = new List<string>();
        foreach (var entry in harness.Store.ReadAll(harness.Now))
        {
            if (seen.Count == 3)
            {
                harness.Store.Compact(force: true).Should().BeTrue();
            }

            seen.Add(entry.Key);
        }

        seen.Should().BeEquivalentTo(Enumerable.Range(0, 10).Select(i => $"k{i}"));
    }

    [Fact]
    public void KeysMatching_FiltersByPredicate()
    {
        using var harness = new ArchiveHarness();
        harness.Store.Append([Create("user:1", "a"), Create("user:2", "b"), Create("session:1", "c")]);

        harness.Store.KeysMatching(k => k.StartsWith("user:", StringComparison.Ordinal)).Should().BeEquivalentTo(["user:1", "user:2"]);
    }

    [Fact]
    public void Compact_BelowThreshold_DoesNothing_AboveIt_KeepsExactlyTheLiveSet()
    {
        using var harness = new ArchiveHarness(o => o.CompactionGarbageRatio = 0.5);
        harness.Store.Append(Enumerable.Range(0, 10).Select(i => Create($"k{i}", new string('v', 200) + i)).ToList());
        harness.Store.Compact().Should().BeFalse();

        for (var i = 0; i < 8; i++)
        {
            harness.Store.Remove($"k{i}");
        }

        harness.Store.Append([Create("k9", "rewritten"), Create("fresh", "new")]);
        harness.Store.GarbageRatio.Should().BeGreaterThan(0.5);
        var before = harness.Segments;

        harness.Store.Compact().Should().BeTrue();

        harness.Segments.Should().NotIntersectWith(before, "every old segment is deleted");
        harness.Store.Keys.Should().BeEquivalentTo(["k8", "k9", "fresh"]);
        harness.Describe("k9").Should().Be(Describe(Create("k9", "rewritten")));
        harness.Describe("k8").Should().Be(Describe(Create("k8", new string('v', 200) + 8)));
        harness.Store.GarbageRatio.Should().Be(0);
        harness.Store.LiveBytes.Should().Be(harness.Store.TotalBytes - ArchiveFormat.HeaderSize);
        harness.Store.TotalBytes.Should().Be(harness.Segments.Sum(path => new FileInfo(path).Length));

        harness.Reopen();
        harness.Store.Keys.Should().BeEquivalentTo(["k8", "k9", "fresh"]);
        harness.Describe("k9").Should().Be(Describe(Create("k9", "rewritten")));
    }

    [Fact]
    public void Compact_DropsExpiredEntries_AndAnEmptyArchiveKeepsOneSegment()
    {
        using var harness = new ArchiveHarness();
        harness.Store.Append([Create("a", "1", harness.Now + 5)]);
        harness.Time.Advance(TimeSpan.FromTicks(5));

        harness.Store.Compact(force: true).Should().BeTrue();

        harness.Store.Count.Should().Be(0);
        harness.Segments.Select(Path.GetFileName).Should().Equal("segment-000002.arc");
        harness.Store.Append([Create("b", "2")]);
        harness.Reopen();
        harness.Store.Keys.Should().Equal("b");
    }

    [Fact]
    public void Compact_CrashBeforeOldSegmentsAreDeleted_ReopensToTheSameLiveSet()
    {
        using var harness = new ArchiveHarness();
        harness.Store.Append([Create("a", "1"), Create("b", "2"), Create("c", "3")]);
        harness.Store.Remove("a");
        harness.Store.Append([Create("b", "22")]);
        harness.Close();

        // Simulate the crash: keep a copy of the old segment, compact, then put the old segment back.
        var old = File.ReadAllBytes(harness.Segments[0]);
        var oldName = harness.Segments[0];
        harness.Open();
        harness.Store.Compact(force: true).Should().BeTrue();
        harness.Close();
        File.WriteAllBytes(oldName, old);

        harness.Open();
        harness.Store.Keys.Should().BeEquivalentTo(["b", "c"]);
        harness.Describe("b").Should().Be(Describe(Create("b", "22")));
    }

    [Fact]
    public void Compact_CrashMidDeletion_NeverResurrectsARemovedKey()
    {
        using var harness = new ArchiveHarness(o => o.MaxSegmentBytes = ArchiveOptions.MinSegmentBytes);
        harness.Store.Append([Create("gone", "v"), Create("pad1", RandomText(1, 2500))]);
        harness.Store.Append([Create("pad2", RandomText(2, 2500))]);
        harness.Store.Remove("gone");
        harness.Close();
        var before = harness.Segments.Select(p => (Path: p, Bytes: File.ReadAllBytes(p))).ToList();
        before.Count.Should().BeGreaterThan(1, "the record and its tombstone must be in different segments for this test");

        harness.Open();
        harness.Store.Compact(force: true);
        harness.Close();

        // The crash left every old segment but the oldest (deletion goes oldest first).
        foreach (var (path, bytes) in before.Skip(1))
        {
            File.WriteAllBytes(path, bytes);
        }

        harness.Open();
        harness.Get("gone").Should().BeNull();
        harness.Store.Keys.Should().BeEquivalentTo(["pad1", "pad2"]);
    }

    [Fact]
    public void Compact_LiveSetLargerThanASegment_RollsAcrossSeveralNewSegments()
    {
        using var harness = new ArchiveHarness(o => o.MaxSegmentBytes = ArchiveOptions.MinSegmentBytes);
        var expected = new Dictionary<string, PersistedEntry>();
        for (var i = 0; i < 120; i++)
        {
            var entry = Create($"k{i % 80}", RandomText(i, 450), seed: i);
            harness.Store.Append([entry]);
            expected[entry.Key] = entry;
        }

        var before = harness.Segments;
        harness.Store.Compact(force: true).Should().BeTrue();

        harness.Segments.Length.Should().BeGreaterThan(2, "each compaction block is larger than a segment may grow, so each gets one");
        harness.Segments.Should().NotIntersectWith(before);
        harness.Reopen();
        harness.Store.ReadAll(harness.Now).Select(Describe).Should().BeEquivalentTo(expected.Values.Select(Describe));
    }

    [Fact]
    public void Compact_CrashWhileWritingTheNewSegments_ReopensToTheSameLiveSet()
    {
        using var harness = new ArchiveHarness(o => o.MaxSegmentBytes = ArchiveOptions.MinSegmentBytes);
        var expected = new Dictionary<string, PersistedEntry>();
        for (var i = 0; i < 120; i++)
        {
            var entry = Create($"k{i % 80}", RandomText(i, 450), seed: i);
            harness.Store.Append([entry]);
            expected[entry.Key] = entry;
        }

        harness.Store.Remove("k3");
        expected.Remove("k3");
        harness.Close();
        var old = harness.Segments.Select(path => (Path: path, Bytes: File.ReadAllBytes(path))).ToList();
        harness.Open();
        harness.Store.Compact(force: true).Should().BeTrue();
        harness.Close();

        // The crash: every old segment still there, the last new segment written only halfway.
        var fresh = harness.Segments;
        fresh.Length.Should().BeGreaterThan(1, "the compaction must have written several segments for this test");
        foreach (var (path, bytes) in old)
        {
            File.WriteAllBytes(path, bytes);
        }

        var last = fresh[^1];
        File.WriteAllBytes(last, File.ReadAllBytes(last).AsSpan(0, (int)(new FileInfo(last).Length / 2)).ToArray());

        harness.Open();
        harness.Store.ReadAll(harness.Now).Select(Describe).Should().BeEquivalentTo(expected.Values.Select(Describe));
        harness.Get("k3").Should().BeNull();
    }

    [Fact]
    public void Open_SameDirectoryTwice_FailsWhileTheFirstIsOpen()
    {
        using var harness = new ArchiveHarness();

        var second = () => ArchiveStore.Open(harness.Options, harness.Time);

        second.Should().Throw<MemoryStorageException>().WithMessage("*another archive*");
        harness.Close();
        var reopened = ArchiveStore.Open(harness.Options, harness.Time);
        reopened.Count.Should().Be(0);
        reopened.Dispose();
        harness.Open();
    }

    [Fact]
    public void Open_InvalidOptions_ThrowsArgumentExceptionNamingEachOption()
    {
        var options = new ArchiveOptions { Directory = "", MaxSegmentBytes = 10, CompactionGarbageRatio = 0 };

        var open = () => ArchiveStore.Open(options, TimeProvider.System);

        open.Should().Throw<ArgumentException>()
            .WithMessage("*ArchiveOptions.Directory*")
            .WithMessage("*ArchiveOptions.MaxSegmentBytes*")
            .WithMessage("*ArchiveOptions.CompactionGarbageRatio*");
    }

    [Fact]
    public void Append_BadArguments_Throw_AndWriteNothing()
    {
        using var harness = new ArchiveHarness();

        harness.Invoking(h => h.Store.Append(null!)).Should().Throw<ArgumentNullException>();
        harness.Invoking(h => h.Store.Append([Create("ok", "1"), null!])).Should().Throw<ArgumentNullException>();
        harness.Invoking(h => h.Store.Append([Create("", "1")])).Should().Throw<ArgumentException>();
        harness.Invoking(h => h.Store.Append([Create("k", "1") with { Payload = null! }])).Should().Throw<ArgumentException>();
        harness.Store.Append([]);

        harness.Store.Count.Should().Be(0);
        harness.Store.TotalBytes.Should().Be(ArchiveFormat.HeaderSize);
    }

    [Fact]
    public void Dispose_ThenUse_ThrowsObjectDisposed_AndDisposeIsIdempotent()
    {
        using var harness = new ArchiveHarness();
        harness.Store.Dispose();
        harness.Store.Dispose();

        harness.Invoking(h => h.Store.Append([Create("a", "1")])).Should().Throw<ObjectDisposedException>();
        harness.Invoking(h => h.Store.TryGet("a", 0, out _)).Should().Throw<ObjectDisposedException>();
        harness.Invoking(h => h.Store.Compact(force: true)).Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void BlockTransform_IsAppliedOnWriteAndReversedOnRead()
    {
        var transform = new XorTransform(0x5A);
        using var harness = new ArchiveHarness(o => o.BlockTransform = transform);
        harness.Store.Append([Create("a", "secret value secret value")]);
        harness.Reopen();

        harness.Describe("a").Should().Be(Describe(Create("a", "secret value secret value")));
        transform.Encoded.Should().BeGreaterThan(0);
        transform.Decoded.Should().BeGreaterThan(1, "open and read both decode");
    }

    [Fact]
    public void BlockTransform_ThatFailsToDecode_FailsOpenWithAStorageError()
    {
        using var harness = new ArchiveHarness(o => o.BlockTransform = new XorTransform(0x5A));
        harness.Store.Append([Create("a", "1")]);
        harness.Close();
        harness.Options.BlockTransform = new XorTransform(0x5A) { Fail = true };

        var open = harness.Open;

        open.Should().Throw<MemoryStorageException>().WithMessage("*segment-000001.arc*offset 12*different key*");
        harness.Options.BlockTransform = new XorTransform(0x5A);
        harness.Open();
    }

    private static string RandomText(int seed, int bytes)
    {
        var data = new byte[bytes];
        new Random(seed).NextBytes(data);
        return Convert.ToBase64String(data);
    }

    private sealed class XorTransform(byte mask) : IArchiveBlockTransform
    {
        private int _encoded;
        private int _decoded;

        public bool Fail { get; init; }

        public int Encoded => _encoded;

        public int Decoded => _decoded;

        public byte[] Encode(ReadOnlySpan<byte> data)
        {
            Interlocked.Increment(ref _encoded);
            return Xor(data);
        }

        public byte[] Decode(ReadOnlySpan<byte> data)
        {
            Interlocked.Increment(ref _decoded);
            return Fail ? throw new System.Security.Cryptography.CryptographicException("authentication tag mismatch") : Xor(data);
        }

        private byte[] Xor(ReadOnlySpan<byte> data)
        {
            var result = data.ToArray();
            for (var i = 0; i < result.Length; i++)
            {
                result[i] ^= mask;
            }

            return result;
        }
    }
}
