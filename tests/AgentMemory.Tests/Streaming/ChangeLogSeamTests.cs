using AgentMemory.Storage;
using AgentMemory.Streaming;
using AgentMemory.Tests.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.Streaming;

/// <summary>The change log is replaceable (the seam a durable log plugs into), and the default log keeps its bounds.</summary>
public sealed class ChangeLogSeamTests
{
    [Fact]
    public async Task AttachChangeFeed_WithACustomLog_RecordsAndReplaysThroughIt()
    {
        using var store = new InMemoryStore(null, new FakeTimeProvider(StoreHarness.Epoch));
        var log = new RecordingLog(new InMemoryChangeLog(100, null));
        IMemoryStreaming streaming = new MemoryStreaming(store.AttachChangeFeed(new MemoryStreamingOptions { RetainedChanges = 0 }, log), NullLogger.Instance);

        await store.StoreAsync("a", 1);
        await store.DeleteAsync("a");

        log.Appended.Select(c => c.ChangeType).Should().Equal(MemoryChangeType.Created, MemoryChangeType.Deleted);
        var stream = await streaming.CreateStreamAsync();
        await using var sub = await streaming.SubscribeAsync(stream, new MemorySubscriptionOptions { FromSequence = 1 });
        await using var reader = sub.GetAsyncEnumerator();
        reader.Take(2).Select(c => c.Key).Should().Equal("a", "a");
    }

    [Fact]
    public void InMemoryChangeLog_CountBound_TracksWhatWasTrimmed()
    {
        var log = new InMemoryChangeLog(2, null);
        for (var i = 1; i <= 5; i++)
        {
            log.Append(new MemoryChange { Sequence = i, Key = "k", ChangeType = MemoryChangeType.Updated, Timestamp = StoreHarness.Epoch.AddSeconds(i) });
        }

        log.Count.Should().Be(2);
        log.TrimmedThroughSequence.Should().Be(3);
        log.TrimmedThroughTimestamp.Should().Be(StoreHarness.Epoch.AddSeconds(3));
        var copy = new List<MemoryChange>();
        log.CopyFrom(1, _ => true, copy);
        copy.Select(c => c.Sequence).Should().Equal(4, 5);
    }

    private sealed class RecordingLog(IChangeLogStore inner) : IChangeLogStore
    {
        public List<MemoryChange> Appended { get; } = [];

        public long TrimmedThroughSequence => inner.TrimmedThroughSequence;

        public DateTimeOffset? TrimmedThroughTimestamp => inner.TrimmedThroughTimestamp;

        public void Append(MemoryChange change)
        {
            Appended.Add(change);
            inner.Append(change);
        }

        public void Trim(DateTimeOffset now) => inner.Trim(now);

        public void CopyFrom(long fromSequence, Func<MemoryChange, bool> filter, List<MemoryChange> into) => inner.CopyFrom(fromSequence, filter, into);

        public void CopyRange(DateTimeOffset from, DateTimeOffset to, Func<MemoryChange, bool> filter, List<MemoryChange> into) => inner.CopyRange(from, to, filter, into);
    }
}
