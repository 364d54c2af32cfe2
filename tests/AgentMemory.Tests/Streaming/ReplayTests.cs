using AgentMemory.Tests.Storage;
using CsCheck;

namespace AgentMemory.Tests.Streaming;

/// <summary>The retained change log: bounds, replay by sequence and time, and replay-then-live without gap or duplicate.</summary>
public sealed class ReplayTests
{
    [Fact]
    public async Task Subscribe_FromSequence_ReplaysThenContinuesLive()
    {
        using var h = new StreamingHarness();
        for (var i = 1; i <= 5; i++)
        {
            await h.Store.StoreAsync($"k{i}", i);
        }

        await using var sub = h.Subscribe(h.CreateStream(), new MemorySubscriptionOptions { FromSequence = 3 });
        await h.Store.StoreAsync("k6", 6);
        await using var reader = sub.GetAsyncEnumerator();

        reader.Take(4).Select(c => c.Sequence).Should().Equal(3, 4, 5, 6);
        sub.HasBuffered().Should().BeFalse();
    }

    [Fact]
    public async Task Subscribe_FromFutureSequence_SkipsUntilThatNumber()
    {
        using var h = new StreamingHarness();
        await h.Store.StoreAsync("k1", 1);
        await using var sub = h.Subscribe(h.CreateStream(), new MemorySubscriptionOptions { FromSequence = 3 });
        await using var reader = sub.GetAsyncEnumerator();
        await h.Store.StoreAsync("k2", 2);
        await h.Store.StoreAsync("k3", 3);

        reader.Take(1).Single().Sequence.Should().Be(3);
    }

    [Fact]
    public async Task Subscribe_FromTrimmedSequence_ThrowsUnlessGapsAreAllowed()
    {
        using var h = new StreamingHarness(o => o.RetainedChanges = 3);
        for (var i = 1; i <= 5; i++)
        {
            await h.Store.StoreAsync($"k{i}", i);
        }

        var stream = h.CreateStream();
        await FluentActions.Awaiting(() => h.Streaming.SubscribeAsync(stream, new MemorySubscriptionOptions { FromSequence = 2 }).AsTask())
            .Should().ThrowAsync<MemoryStreamException>().WithMessage("*sequence 2*up to 2*");

        await using var sub = h.Subscribe(stream, new MemorySubscriptionOptions { FromSequence = 1, AllowReplayGap = true });
        await using var reader = sub.GetAsyncEnumerator();
        reader.Take(3).Select(c => c.Sequence).Should().Equal(3, 4, 5);
    }

    [Fact]
    public async Task ChangeLog_RetentionAge_TrimsOnTheStoreClock()
    {
        using var h = new StreamingHarness(o => o.RetentionAge = TimeSpan.FromMinutes(10));
        var stream = h.CreateStream();
        await h.Store.StoreAsync("old", 1);
        h.Time.Advance(TimeSpan.FromMinutes(6));
        await h.Store.StoreAsync("mid", 2);
        h.Time.Advance(TimeSpan.FromMinutes(6));
        await h.Store.StoreAsync("new", 3);

        var all = await h.Streaming.ReplayAsync(stream, StoreHarness.Epoch);
        all.Select(c => c.Key).Should().Equal("mid", "new");

        await FluentActions.Awaiting(() => h.Streaming.SubscribeAsync(stream, new MemorySubscriptionOptions { FromTimestamp = StoreHarness.Epoch }).AsTask())
            .Should().ThrowAsync<MemoryStreamException>().WithMessage("*no longer holds*");
        await using var sub = h.Subscribe(stream, new MemorySubscriptionOptions { FromTimestamp = StoreHarness.Epoch.AddMinutes(5) });
        await using var reader = sub.GetAsyncEnumerator();
        reader.Take(2).Select(c => c.Key).Should().Equal("mid", "new");
    }

    [Fact]
    public async Task Replay_TimeRangeAndStreamFilter_ReturnsMatchingRetainedChanges()
    {
        using var h = new StreamingHarness();
        var users = h.CreateStream("user:*");
        for (var i = 0; i < 4; i++)
        {
            await h.Store.StoreAsync($"user:{i}", i);
            await h.Store.StoreAsync($"order:{i}", i);
            h.Time.Advance(TimeSpan.FromMinutes(1));
        }

        var changes = await h.Streaming.ReplayAsync(users, StoreHarness.Epoch.AddMinutes(1), StoreHarness.Epoch.AddMinutes(2));
        changes.Select(c => c.Key).Should().Equal("user:1", "user:2");
        changes.Should().BeInAscendingOrder(c => c.Sequence);
    }

    [Fact]
    public void ReplayThenLive_UnderConcurrentWriters_HasNoGapAndNoDuplicate()
    {
        Gen.Select(Gen.Int[1, 4], Gen.Int[1, 60], Gen.Double[0, 1], Gen.Double[0, 1]).Sample((writers, opsPerWriter, subscribeAt, startAt) =>
        {
            using var h = new StreamingHarness(o => o.RetainedChanges = 100_000);
            var stream = h.CreateStream();
            var total = writers * opsPerWriter;
            using var go = new Barrier(writers + 1);
            var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(() =>
            {
                go.SignalAndWait();
                for (var i = 0; i < opsPerWriter; i++)
                {
                    var key = $"k{(w + i) % 5}";
                    if (i % 4 == 3)
                    {
                        h.Store.DeleteAsync(key).Sync();
                    }
                    else
                    {
                        h.Store.StoreAsync(key, (w * 1000) + i).Sync();
                    }
                }
            })).ToArray();

            go.SignalAndWait();
            var target = (long)(subscribeAt * total * 0.75);
            SpinWait.SpinUntil(() => h.Feed.LastSequence >= target || tasks.All(t => t.IsCompleted));
            var from = 1 + (long)(startAt * h.Feed.LastSequence);
            var sub = h.Subscribe(stream, new MemorySubscriptionOptions { FromSequence = from, BufferCapacity = 100_000 });
            Task.WaitAll(tasks);
            var end = h.Streaming.PublishAsync("end", MemoryChangeType.Updated).Sync();

            using var reader = new BlockingReader(sub);
            var seen = reader.TakeUntil(end);
            seen.Select(c => c.Sequence).Should().Equal(Enumerable.Range((int)from, (int)(end - from + 1)).Select(i => (long)i), "replay then live must be contiguous");

            // The last change of each key agrees with the store.
            foreach (var last in seen.Where(c => c.Key != "end").GroupBy(c => c.Key).Select(g => g.Last()))
            {
                var stored = h.Store.RetrieveRawAsync(last.Key).Sync();
                if (last.ChangeType == MemoryChangeType.Deleted)
                {
                    stored.Should().BeNull();
                }
                else
                {
                    stored!.Value.ToArray().Should().Equal(last.NewValue!.Value.ToArray());
                }
            }
        }, iter: 40, threads: 1);
    }

    /// <summary>Reads a subscription synchronously (CsCheck callbacks are synchronous).</summary>
    private sealed class BlockingReader(IMemoryChangeSubscription subscription) : IDisposable
    {
        private readonly IAsyncEnumerator<MemoryChange> _reader = subscription.GetAsyncEnumerator();

        public List<MemoryChange> TakeUntil(long sequence)
        {
            var changes = new List<MemoryChange>();
            while (changes.Count == 0 || changes[^1].Sequence < sequence)
            {
                _reader.MoveNextAsync().AsTask().GetAwaiter().GetResult().Should().BeTrue();
                changes.Add(_reader.Current);
            }

            return changes;
        }

        public void Dispose() => _reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
