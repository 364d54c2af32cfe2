using AgentMemory.Tests.Storage;

namespace AgentMemory.Tests.Streaming;

/// <summary>Filters, several subscribers, handlers, metrics, unsubscribe and the overflow policies.</summary>
public sealed class SubscriptionTests
{
    [Fact]
    public async Task Stream_KeyPatternAndChangeTypes_FilterChanges()
    {
        using var h = new StreamingHarness();
        await using var users = h.Subscribe(h.CreateStream("user:*"));
        await using var deletes = h.Subscribe(h.CreateStream("user:[0-9]*", MemoryChangeType.Deleted));
        await using var userReader = users.GetAsyncEnumerator();
        await using var deleteReader = deletes.GetAsyncEnumerator();

        await h.Store.StoreAsync("user:1", 1);
        await h.Store.StoreAsync("order:1", 1);
        await h.Store.StoreAsync("user:x", 1);
        await h.Store.DeleteAsync("user:x");
        await h.Store.DeleteAsync("user:1");

        userReader.Take(4).Select(c => (c.Key, c.ChangeType)).Should().Equal(
            ("user:1", MemoryChangeType.Created), ("user:x", MemoryChangeType.Created), ("user:x", MemoryChangeType.Deleted), ("user:1", MemoryChangeType.Deleted));
        deleteReader.Take(1).Single().Key.Should().Be("user:1");
        users.HasBuffered().Should().BeFalse();
        deletes.HasBuffered().Should().BeFalse();
    }

    [Fact]
    public async Task Stream_SeveralSubscribers_EachReceivesEveryChange()
    {
        using var h = new StreamingHarness();
        var stream = h.CreateStream();
        var subs = Enumerable.Range(0, 3).Select(_ => h.Subscribe(stream)).ToList();
        for (var i = 0; i < 10; i++)
        {
            await h.Store.StoreAsync($"k{i}", i);
        }

        foreach (var sub in subs)
        {
            await using var reader = sub.GetAsyncEnumerator();
            reader.Take(10).Select(c => c.Sequence).Should().Equal(Enumerable.Range(1, 10).Select(i => (long)i));
        }

        var metrics = await h.Streaming.GetStreamMetricsAsync(stream);
        metrics!.Published.Should().Be(10);
        metrics.Delivered.Should().Be(30);
        metrics.Dropped.Should().Be(0);
        metrics.LastSequence.Should().Be(10);
    }

    [Fact]
    public async Task Metrics_ReportSubscribersAndLag()
    {
        using var h = new StreamingHarness();
        var stream = h.CreateStream();
        var sub = h.Subscribe(stream);
        await h.Store.StoreAsync("a", 1);
        await h.Store.StoreAsync("b", 1);

        var metrics = await h.Streaming.GetStreamMetricsAsync(stream);
        metrics!.Subscribers.Should().Be(1);
        metrics.Lag.Should().Be(2);
        (await h.Streaming.GetStreamMetricsAsync("nope")).Should().BeNull();

        await sub.DisposeAsync();
        (await h.Streaming.GetStreamMetricsAsync(stream))!.Subscribers.Should().Be(0);
    }

    [Fact]
    public async Task Unsubscribe_DetachesAndFreesTheBuffer()
    {
        using var h = new StreamingHarness();
        var stream = h.CreateStream();
        var sub = h.Subscribe(stream);
        await h.Store.StoreAsync("a", 1);

        (await h.Streaming.UnsubscribeAsync(sub.Id)).Should().BeTrue();
        (await h.Streaming.UnsubscribeAsync(sub.Id)).Should().BeFalse();
        ((AgentMemory.Streaming.ChangeSubscription)sub).Buffered.Should().Be(0);
        h.Feed.SubscriptionCount.Should().Be(0);
        await h.Store.StoreAsync("b", 1);
        ((AgentMemory.Streaming.ChangeSubscription)sub).Buffered.Should().Be(0);

        await using var reader = sub.GetAsyncEnumerator();
        (await reader.MoveNextAsync()).Should().BeFalse("an unsubscribed subscription ends");
    }

    [Fact]
    public async Task BreakingOutOfAwaitForeach_Unsubscribes()
    {
        using var h = new StreamingHarness();
        var sub = h.Subscribe(h.CreateStream());
        await h.Store.StoreAsync("a", 1);
        await foreach (var change in sub)
        {
            change.Key.Should().Be("a");
            break;
        }

        h.Feed.SubscriptionCount.Should().Be(0);
        (await h.Streaming.UnsubscribeAsync(sub.Id)).Should().BeFalse("the subscription is already gone");
    }

    [Fact]
    public async Task DeleteStream_EndsItsSubscriptionsAfterTheBufferedChanges()
    {
        using var h = new StreamingHarness();
        var stream = h.CreateStream();
        var sub = h.Subscribe(stream);
        await h.Store.StoreAsync("a", 1);

        (await h.Streaming.DeleteStreamAsync(stream)).Should().BeTrue();
        (await h.Streaming.DeleteStreamAsync(stream)).Should().BeFalse();

        var keys = new List<string>();
        await foreach (var change in sub)
        {
            keys.Add(change.Key);
        }

        keys.Should().Equal("a");
        h.Feed.SubscriptionCount.Should().Be(0);
        var act = async () => await h.Streaming.SubscribeAsync(stream);
        await act.Should().ThrowAsync<MemoryStreamException>().WithMessage("*no stream*");
    }

    [Fact]
    public async Task DropOldest_WhenFull_KeepsNewestAndCountsDrops()
    {
        using var h = new StreamingHarness();
        var stream = h.CreateStream();
        await using var sub = h.Subscribe(stream, new MemorySubscriptionOptions { BufferCapacity = 2 });
        await using var reader = sub.GetAsyncEnumerator();
        for (var i = 1; i <= 5; i++)
        {
            await h.Store.StoreAsync($"k{i}", i);
        }

        reader.Take(2).Select(c => c.Key).Should().Equal("k4", "k5");
        (await h.Streaming.GetStreamMetricsAsync(stream))!.Dropped.Should().Be(3);
    }

    [Fact]
    public async Task FailSubscription_WhenFull_DeliversBufferedThenThrowsAndDetaches()
    {
        using var h = new StreamingHarness();
        var sub = h.Subscribe(h.CreateStream(), new MemorySubscriptionOptions { BufferCapacity = 2, OverflowPolicy = StreamOverflowPolicy.FailSubscription });
        for (var i = 1; i <= 3; i++)
        {
            await h.Store.StoreAsync($"k{i}", i);
        }

        h.Feed.SubscriptionCount.Should().Be(0, "a failed subscription is detached at once");
        (await h.Store.RetrieveAsync<int>("k3")).Should().Be(3, "the writer is not affected");
        var keys = new List<string>();
        var act = async () =>
        {
            await foreach (var change in sub)
            {
                keys.Add(change.Key);
            }
        };

        await act.Should().ThrowAsync<MemoryStreamException>().WithMessage("*failed at change 3*buffer of 2*");
        keys.Should().Equal("k1", "k2");
    }

    [Fact]
    public async Task BlockWriter_WhenFull_WaitsForTheReaderAndLosesNothing()
    {
        using var h = new StreamingHarness();
        var stream = h.CreateStream();
        await using var sub = h.Subscribe(stream, new MemorySubscriptionOptions { BufferCapacity = 1, OverflowPolicy = StreamOverflowPolicy.BlockWriter, BlockTimeout = TimeSpan.FromDays(1) });
        await using var reader = sub.GetAsyncEnumerator();
        await h.Store.StoreAsync("a", 1);

        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                await h.Store.StoreAsync($"b{i}", i);
            }
        });
        var keys = reader.Take(21).Select(c => c.Key).ToList();
        await writer;

        keys.Should().Equal(new[] { "a" }.Concat(Enumerable.Range(0, 20).Select(i => $"b{i}")));
        (await h.Streaming.GetStreamMetricsAsync(stream))!.Dropped.Should().Be(0);
    }

    [Fact]
    public async Task BlockWriter_TimeoutOnTheStoreClock_FailsTheSubscriptionAndReleasesTheWriter()
    {
        using var h = new StreamingHarness();
        var sub = h.Subscribe(h.CreateStream(), new MemorySubscriptionOptions { BufferCapacity = 1, OverflowPolicy = StreamOverflowPolicy.BlockWriter, BlockTimeout = TimeSpan.FromSeconds(5) });
        await h.Store.StoreAsync("a", 1);

        var writer = Task.Run(() => h.Store.StoreAsync("b", 2).AsTask());

        // The writer's timeout runs on the fake clock: advance it until the writer gives up (its timer may not exist yet).
        while (!writer.IsCompleted)
        {
            h.Time.Advance(TimeSpan.FromSeconds(5));
            await Task.Yield();
        }

        await writer;
        (await h.Store.RetrieveAsync<int>("b")).Should().Be(2);
        h.Feed.SubscriptionCount.Should().Be(0);
        var keys = new List<string>();
        var act = async () =>
        {
            await foreach (var change in sub)
            {
                keys.Add(change.Key);
            }
        };
        await act.Should().ThrowAsync<MemoryStreamException>();
        keys.Should().Equal("a");
    }

    [Fact]
    public async Task HandlerSubscription_ReceivesChangesInOrder_AndStopsOnUnsubscribe()
    {
        using var h = new StreamingHarness();
        var received = new List<long>();
        var gotThree = new TaskCompletionSource();
        var id = await h.Streaming.SubscribeAsync(h.CreateStream(), (change, _) =>
        {
            lock (received)
            {
                received.Add(change.Sequence);
                if (received.Count == 3)
                {
                    gotThree.SetResult();
                }
            }

            if (change.Sequence == 2)
            {
                throw new InvalidOperationException("a failing handler does not stop the subscription");
            }

            return ValueTask.CompletedTask;
        });
        for (var i = 0; i < 3; i++)
        {
            await h.Store.StoreAsync($"k{i}", i);
        }

        await gotThree.Task;
        (await h.Streaming.UnsubscribeAsync(id)).Should().BeTrue();
        await h.Store.StoreAsync("after", 1);

        lock (received)
        {
            received.Should().Equal(1, 2, 3);
        }

        h.Feed.SubscriptionCount.Should().Be(0);
    }

    [Fact]
    public async Task Publish_ApplicationChange_IsNumberedAndDelivered()
    {
        using var h = new StreamingHarness();
        await using var sub = h.Subscribe(h.CreateStream("memory:*"));
        await using var reader = sub.GetAsyncEnumerator();
        await h.Store.StoreAsync("memory:1", 1);

        var seq = await h.Streaming.PublishAsync("memory:1", MemoryChangeType.Updated, newValue: new byte[] { 9 }, metadata: new Dictionary<string, MetadataValue> { ["event"] = "consolidated" });

        seq.Should().Be(2);
        var change = reader.Take(2)[1];
        change.Metadata!["event"].Should().Be((MetadataValue)"consolidated");
        change.NewValue!.Value.ToArray().Should().Equal(9);
    }

    [Fact]
    public async Task InvalidArguments_AreRefusedWithClearMessages()
    {
        using var h = new StreamingHarness();
        var stream = h.CreateStream();
        await FluentActions.Awaiting(() => h.Streaming.SubscribeAsync(stream, new MemorySubscriptionOptions { BufferCapacity = 0 }).AsTask())
            .Should().ThrowAsync<ArgumentOutOfRangeException>().WithMessage("*BufferCapacity*");
        await FluentActions.Awaiting(() => h.Streaming.SubscribeAsync(stream, new MemorySubscriptionOptions { FromSequence = 1, FromTimestamp = StoreHarness.Epoch }).AsTask())
            .Should().ThrowAsync<ArgumentException>().WithMessage("*at most one*");
        await FluentActions.Awaiting(() => h.Streaming.CreateStreamAsync(new MemoryStreamOptions { KeyPattern = "[a" }).AsTask())
            .Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => h.Streaming.PublishAsync("k", (MemoryChangeType)42).AsTask())
            .Should().ThrowAsync<ArgumentException>().WithMessage("*not a defined MemoryChangeType*");
        await FluentActions.Awaiting(() => h.Streaming.ReplayAsync(stream, StoreHarness.Epoch, StoreHarness.Epoch.AddSeconds(-1)).AsTask())
            .Should().ThrowAsync<ArgumentException>().WithMessage("*before its start*");
    }
}
