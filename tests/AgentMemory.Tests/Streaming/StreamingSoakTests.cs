using AgentMemory.Tests.Storage;

namespace AgentMemory.Tests.Streaming;

/// <summary>Writers, subscribers that come and go, and a stream being recreated, all at once; then the invariants.</summary>
public sealed class StreamingSoakTests
{
    [Fact]
    public async Task ConcurrentWritersAndChurningSubscribers_LeaveNoSubscriptionBehind_AndEachReaderSeesIncreasingSequences()
    {
        using var h = new StreamingHarness(o => o.RetainedChanges = 1_000, hotTier: o => o.MaxEntries = 50);
        var stream = h.CreateStream("k*");
        using var writersDone = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 3_000; i++)
            {
                await h.Store.StoreAsync($"k{(w * 7919 + i) % 200}", i);
                if (i % 10 == 0)
                {
                    await h.Store.DeleteAsync($"k{i % 200}");
                }
            }
        })).ToArray();

        var readers = Enumerable.Range(0, 3).Select(r => Task.Run(async () =>
        {
            var rounds = 0;
            while (!writers.All(t => t.IsCompleted) || rounds < 3)
            {
                rounds++;
                var options = new MemorySubscriptionOptions
                {
                    BufferCapacity = 16,
                    OverflowPolicy = r == 2 ? StreamOverflowPolicy.FailSubscription : StreamOverflowPolicy.DropOldest,
                    FromSequence = r == 1 ? Math.Max(1, h.Feed.LastSequence - 10) : null,
                    AllowReplayGap = true,
                };
                await using var sub = await h.Streaming.SubscribeAsync(stream, options);
                long last = 0;
                var read = 0;
                try
                {
                    await foreach (var change in sub.WithCancellation(writersDone.Token))
                    {
                        change.Sequence.Should().BeGreaterThan(last);
                        last = change.Sequence;
                        if (++read == 50)
                        {
                            break;
                        }
                    }
                }
                catch (OperationCanceledException) when (writersDone.IsCancellationRequested)
                {
                    // The writers are done: no more changes will come.
                }
                catch (MemoryStreamException) when (r == 2)
                {
                    // FailSubscription under load: expected; subscribe again.
                }
            }
        })).ToArray();

        var handlerIds = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            handlerIds.Add(await h.Streaming.SubscribeAsync(stream, (_, _) => ValueTask.CompletedTask, new MemorySubscriptionOptions { BufferCapacity = 8 }));
        }

        await Task.WhenAll(writers);
        await writersDone.CancelAsync();
        await Task.WhenAll(readers);
        foreach (var id in handlerIds)
        {
            (await h.Streaming.UnsubscribeAsync(id)).Should().BeTrue();
        }

        h.Feed.SubscriptionCount.Should().Be(0);
        var metrics = await h.Streaming.GetStreamMetricsAsync(stream);
        metrics!.Subscribers.Should().Be(0);
        metrics.Lag.Should().Be(0);
        var stats = await h.Store.GetStatisticsAsync();
        stats.EntryCount.Should().BeLessThanOrEqualTo(50);
        (await h.Streaming.ReplayAsync(stream, StoreHarness.Epoch)).Should().HaveCount(1_000).And.BeInAscendingOrder(c => c.Sequence);
    }
}
