using System.Text;
using AgentMemory.Redis.Streaming;
using AgentMemory.Redis.Tests.Infrastructure;
using StackExchange.Redis;

namespace AgentMemory.Redis.Tests.Streaming;

/// <summary>Change streaming across two services on separate connections (two processes) sharing one Redis stream.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisMemoryStreamingTests(RedisServerFixture fixture)
{
    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [SkippableFact]
    public async Task PublishInOneProcess_IsReceivedInTheOther()
    {
        await using var context = await StreamingTestContext.CreateAsync(fixture.Server.ConnectionString, "xproc");
        var writer = await context.CreateServiceAsync();
        var reader = await context.CreateServiceAsync();
        var stream = await reader.CreateStreamAsync();
        await using var subscription = await reader.SubscribeAsync(stream);
        await using var changes = subscription.GetAsyncEnumerator();

        var metadata = new Dictionary<string, MetadataValue> { ["agent"] = "planner", ["step"] = 3 };
        var first = await writer.PublishAsync("ctx:goal", MemoryChangeType.Created, newValue: Bytes("ship it"), metadata: metadata);
        var second = await writer.PublishAsync("ctx:goal", MemoryChangeType.Updated, Bytes("ship it"), Bytes("ship it today"));
        var third = await writer.PublishAsync("ctx:goal", MemoryChangeType.Deleted);

        var received = await StreamingTestContext.ReadAsync(changes, 3);
        received.Select(c => c.Sequence).Should().Equal(first, second, third);
        first.Should().BeGreaterThan(0);
        second.Should().Be(first + 1);
        received[0].ChangeType.Should().Be(MemoryChangeType.Created);
        received[0].OldValue.Should().BeNull();
        Encoding.UTF8.GetString(received[0].NewValue!.Value.Span).Should().Be("ship it");
        received[0].Metadata.Should().BeEquivalentTo(metadata);
        Encoding.UTF8.GetString(received[1].OldValue!.Value.Span).Should().Be("ship it");
        Encoding.UTF8.GetString(received[1].NewValue!.Value.Span).Should().Be("ship it today");
        received[2].ChangeType.Should().Be(MemoryChangeType.Deleted);
        received[2].NewValue.Should().BeNull();
        received[2].Metadata.Should().BeNull();
        received[0].Timestamp.Should().Be(DateTimeOffset.FromUnixTimeMilliseconds(context.Time.GetUtcNow().ToUnixTimeMilliseconds()));
    }

    [SkippableFact]
    public async Task RecordsWrittenByHand_WithTheDocumentedFields_AreReceived_AndMalformedOnesSkipped()
    {
        await using var context = await StreamingTestContext.CreateAsync(fixture.Server.ConnectionString, "raw");
        var reader = await context.CreateServiceAsync();
        var stream = await reader.CreateStreamAsync();
        await using var subscription = await reader.SubscribeAsync(stream);
        await using var changes = subscription.GetAsyncEnumerator();
        var db = context.Raw.GetDatabase();
        var streamKey = context.Prefix + "__changes";

        // What the Redis store's mutation script does, field for field.
        var seq = await db.StringIncrementAsync(context.Prefix + "__changes:seq");
        await db.StreamAddAsync(streamKey, [new("seq", seq), new("key", "user:1"), new("type", (int)MemoryChangeType.Expired), new("ts", 1_700_000_000_123), new("old", "v1"u8.ToArray())]);
        await db.StreamAddAsync(streamKey, [new("key", "no-seq")]);
        var seq2 = await db.StringIncrementAsync(context.Prefix + "__changes:seq");
        await db.StreamAddAsync(streamKey, [new("seq", seq2), new("key", "user:2"), new("type", 99), new("ts", 1)]);
        var seq3 = await db.StringIncrementAsync(context.Prefix + "__changes:seq");
        await db.StreamAddAsync(streamKey, RedisChangeRecord.Encode(seq3, "user:3", MemoryChangeType.Evicted, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_456), null, null, new Dictionary<string, MetadataValue> { ["n"] = 1.5 }));
        await context.Raw.GetSubscriber().PublishAsync(RedisChannel.Literal(context.Prefix + "__changes:notify"), seq3);

        var received = await StreamingTestContext.ReadAsync(changes, 2);
        received[0].Should().BeEquivalentTo(new { Sequence = seq, Key = "user:1", ChangeType = MemoryChangeType.Expired, Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123) });
        received[0].OldValue!.Value.ToArray().Should().Equal("v1"u8.ToArray());
        received[1].Key.Should().Be("user:3");
        received[1].Metadata!["n"].AsDouble().Should().Be(1.5);
    }

    [SkippableFact]
    public async Task Filters_SelectByKeyGlobAndChangeType()
    {
        await using var context = await StreamingTestContext.CreateAsync(fixture.Server.ConnectionString, "filters");
        var writer = await context.CreateServiceAsync();
        var reader = await context.CreateServiceAsync();
        var byKey = await reader.CreateStreamAsync(new MemoryStreamOptions { Name = "agents", KeyPattern = "agent:*:state" });
        var byType = await reader.CreateStreamAsync(new MemoryStreamOptions { ChangeTypes = new HashSet<MemoryChangeType> { MemoryChangeType.Deleted, MemoryChangeType.Expired } });
        await using var keySubscription = await reader.SubscribeAsync(byKey);
        await using var typeSubscription = await reader.SubscribeAsync(byType);
        await using var keyChanges = keySubscription.GetAsyncEnumerator();
        await using var typeChanges = typeSubscription.GetAsyncEnumerator();

        await writer.PublishAsync("agent:1:state", MemoryChangeType.Created);
        await writer.PublishAsync("agent:1:log", MemoryChangeType.Created);
        await writer.PublishAsync("other", MemoryChangeType.Deleted);
        await writer.PublishAsync("agent:2:state", MemoryChangeType.Expired);
        var last = await writer.PublishAsync("agent:3:state", MemoryChangeType.Updated);

        (await StreamingTestContext.ReadAsync(keyChanges, 3)).Select(c => c.Key).Should().Equal("agent:1:state", "agent:2:state", "agent:3:state");
        (await StreamingTestContext.ReadAsync(typeChanges, 2)).Select(c => (c.Key, c.ChangeType)).Should().Equal(("other", MemoryChangeType.Deleted), ("agent:2:state", MemoryChangeType.Expired));
        await StreamingTestContext.WaitProcessedAsync(typeSubscription, last);
        var metrics = await reader.GetStreamMetricsAsync(byKey);
        metrics!.Name.Should().Be("agents");
        metrics.Subscribers.Should().Be(1);
        metrics.Published.Should().Be(3);
        metrics.Delivered.Should().Be(3);
        metrics.LastSequence.Should().Be(last);
        (await reader.GetStreamMetricsAsync(byType))!.Published.Should().Be(2);
    }

    [SkippableFact]
    public async Task ReplayFromSequence_ThenLive_HasNoGapAndNoDuplicate_UnderConcurrentPublishers()
    {
        await using var context = await StreamingTestContext.CreateAsync(fixture.Server.ConnectionString, "replaylive");
        var writerA = await context.CreateServiceAsync();
        var writerB = await context.CreateServiceAsync();
        var reader = await context.CreateServiceAsync(new RedisStreamingOptions { ReadBatchSize = 7 });
        for (var i = 0; i < 40; i++)
        {
            await (i % 2 == 0 ? writerA : writerB).PublishAsync($"k{i}", MemoryChangeType.Created);
        }

        var stream = await reader.CreateStreamAsync();
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var publishers = new[] { writerA, writerB }.Select(writer => Task.Run(async () =>
        {
            await go.Task;
            for (var i = 0; i < 60; i++)
            {
                await writer.PublishAsync($"live{i}", MemoryChangeType.Updated);
            }
        })).ToArray();

        // Subscribe while both publishers are writing: the replay end and the first live change race on purpose.
        go.SetResult();
        var options = new MemorySubscriptionOptions { FromSequence = 15, BufferCapacity = 4, OverflowPolicy = StreamOverflowPolicy.BlockWriter, BlockTimeout = TimeSpan.FromHours(1) };
        await using var subscription = await reader.SubscribeAsync(stream, options);
        await using var changes = subscription.GetAsyncEnumerator();
        var reading = StreamingTestContext.ReadAsync(changes, 40 + 120 - 14);
        await Task.WhenAll(publishers);

        var received = await reading;
        received.Select(c => c.Sequence).Should().Equal(Enumerable.Range(15, 40 + 120 - 14).Select(i => (long)i));
        (await reader.GetStreamMetricsAsync(stream))!.Dropped.Should().Be(0);
    }

    [SkippableFact]
    public async Task ReplayByTime_AndSubscribeFromTimestamp_UseTheWritersTimestamps()
    {
        await using var context = await StreamingTestContext.CreateAsync(fixture.Server.ConnectionString, "bytime");
        var writer = await context.CreateServiceAsync();
        var reader = await context.CreateServiceAsync();
        var stream = await reader.CreateStreamAsync(new MemoryStreamOptions { KeyPattern = "t:*" });
        var t0 = context.Time.GetUtcNow();
        await writer.PublishAsync("t:0", MemoryChangeType.Created);
        await writer.PublishAsync("skip", MemoryChangeType.Created);
        context.Time.Advance(TimeSpan.FromMinutes(1));
        await writer.PublishAsync("t:1", MemoryChangeType.Created);
        context.Time.Advance(TimeSpan.FromMinutes(1));
        await writer.PublishAsync("t:2", MemoryChangeType.Created);

        (await reader.ReplayAsync(stream, t0.AddSeconds(30), t0.AddSeconds(90))).Select(c => c.Key).Should().Equal("t:1");
        (await reader.ReplayAsync(stream, t0)).Select(c => c.Key).Should().Equal("t:0", "t:1", "t:2");
        (await reader.ReplayAsync(stream, t0.AddHours(1))).Should().BeEmpty();
        await reader.Invoking(r => r.ReplayAsync(stream, t0, t0.AddSeconds(-1)).AsTask()).Should().ThrowAsync<ArgumentException>();

        await using var subscription = await reader.SubscribeAsync(stream, new MemorySubscriptionOptions { FromTimestamp = t0.AddSeconds(30) });
        await using var changes = subscription.GetAsyncEnumerator();
        await writer.PublishAsync("t:3", MemoryChangeType.Created);
        (await StreamingTestContext.ReadAsync(changes, 3)).Select(c => c.Key).Should().Equal("t:1", "t:2", "t:3");
    }

    [SkippableFact]
    public async Task ReplayOfTrimmedChanges_IsRefused_UnlessGapsAreAllowed()
    {
        await using var context = await StreamingTestContext.CreateAsync(fixture.Server.ConnectionString, "gap");
        var service = await context.CreateServiceAsync();
        var stream = await service.CreateStreamAsync();
        for (var i = 1; i <= 5; i++)
        {
            await service.PublishAsync($"k{i}", MemoryChangeType.Created);
        }

        await context.Raw.GetDatabase().StreamTrimAsync(context.Prefix + "__changes", 2);

        await service.Invoking(s => s.SubscribeAsync(stream, new MemorySubscriptionOptions { FromSequence = 3 }).AsTask())
            .Should().ThrowAsync<MemoryStreamException>().WithMessage("*sequence 3*AllowReplayGap*");
        await service.Invoking(s => s.SubscribeAsync(stream, new MemorySubscriptionOptions { FromTimestamp = context.Time.GetUtcNow().AddMinutes(-1) }).AsTask())
            .Should().ThrowAsync<MemoryStreamException>();
        await using var subscription = await service.SubscribeAsync(stream, new MemorySubscriptionOptions { FromSequence = 1, AllowReplayGap = true });
        await using var changes = subscription.GetAsyncEnumerator();
        (await StreamingTestContext.ReadAsync(changes, 2)).Select(c => c.Sequence).Should().Equal(4, 5);

        await using var fromRetained = await service.SubscribeAsync(stream, new MemorySubscriptionOptions { FromSequence = 5 });
        await using var retained = fromRetained.GetAsyncEnumerator();
        (await StreamingTestContext.ReadAsync(retained, 1)).Single().Key.Should().Be("k5");
    }

    [SkippableFact]
    public async Task DropOldest_KeepsTheNewest_AndCountsDrops()
    {
        await using var context = await StreamingTestContext.CreateAsync(fixture.Server.ConnectionString, "dropoldest");
        var service = await context.CreateServiceAsync();
        var stream = await service.CreateStreamAsync();
        await using var subscription = await service.SubscribeAsync(stream, new MemorySubscriptionOptions { BufferCapacity = 2 });
        long last = 0;
        for (var i = 1; i <= 5; i++)
        {
            last = await service.PublishAsync($"k{i}", MemoryChangeType.Created);
        }

        await StreamingTestContext.WaitProcessedAsync(subscription, last);
        (await service.GetStreamMetricsAsync(stream))!.Should().BeEquivalentTo(new { Dropped = 3L, Lag = 2L, Published = 5L });
        await using var changes = subscription.GetAsyncEnumerator();
        (await StreamingTestContext.ReadAsync(changes, 2)).Select(c => c.Key).Should().Equal("k4", "k5");
    }

    [SkippableFact]
    public async Task FailSubscription_DeliversTheBufferThenThrows()
    {
        await using var context = await StreamingTestContext.CreateAsync(fixture.Server.ConnectionString, "failsub");
        var service = await context.CreateServiceAsync();
        var stream = await service.CreateStreamAsync();
        await using var subscription = await service.SubscribeAsync(stream, new MemorySubscriptionOptions { BufferCapacity = 2, OverflowPolicy = StreamOverflowPolicy.FailSubscription });
        long last = 0;
        for (var i = 1; i <= 3; i++)
        {
            last = await service.PublishAsync($"k{i}", MemoryChangeType.Created);
        }

        await StreamingTestContext.WaitProcessedAsync(subscription, last);

        await using var changes = subscription.GetAsyncEnumerator();
        (await StreamingTestContext.ReadAsync(changes, 2)).Select(c => c.Key).Should().Equal("k1", "k2");
        await changes.Invoking(c => c.MoveNextAsync().AsTask()).Should().ThrowAsync<MemoryStreamException>().WithMessage("*buffer of 2 changes was full*");
    }

    [SkippableFact]
    public async Task BlockWriter_LosesNothing_WhileTheReaderKeepsUp_AndFailsAfterTheTimeout()
    {
        await using var context = await StreamingTestContext.CreateAsync(fixture.Server.ConnectionString, "block");
        var service = await context.CreateServiceAsync();
        var stream = await service.CreateStreamAsync();
        var blocking = new MemorySubscriptionOptions { BufferCapacity = 1, OverflowPolicy = StreamOverflowPolicy.BlockWriter, BlockTimeout = TimeSpan.FromSeconds(5) };
        await using var subscription = await service.SubscribeAsync(stream, blocking);
        await using var stalled = await service.SubscribeAsync(stream, blocking);
        for (var i = 1; i <= 5; i++)
        {
            await service.PublishAsync($"k{i}", MemoryChangeType.Created);
        }

        await using var changes = subscription.GetAsyncEnumerator();
        (await StreamingTestContext.ReadAsync(changes, 5)).Select(c => c.Key).Should().Equal("k1", "k2", "k3", "k4", "k5");

        // The stalled subscriber's reader holds k1 in its buffer and waits for room with k2; after the block timeout it fails.
        await StreamingTestContext.WaitBlockedAsync(stalled);
        context.Time.Advance(TimeSpan.FromSeconds(6));
        await using var stalledChanges = stalled.GetAsyncEnumerator();
        (await StreamingTestContext.ReadAsync(stalledChanges, 1)).Single().Key.Should().Be("k1");
        await stalledChanges.Invoking(c => c.MoveNextAsync().AsTask()).Should().ThrowAsync<MemoryStreamException>().WithMessage("*failed at change 2*BlockWriter*");
    }

    [SkippableFact]
    public async Task HandlerSubscription_ReceivesInOrder_AndStopsOnUnsubscribe()
    {
        await using var context = await StreamingTestContext.CreateAsync(fixture.Server.ConnectionString, "handler");
        var writer = await context.CreateServiceAsync();
        var reader = await context.CreateServiceAsync();
        var stream = await reader.CreateStreamAsync();
        var seen = new List<string>();
        var three = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var id = await reader.SubscribeAsync(stream, (change, _) =>
        {
            if (change.Key == "boom")
            {
                throw new InvalidOperationException("handler failure is logged, not fatal");
            }

            seen.Add(change.Key);
            if (seen.Count == 3)
            {
                three.SetResult();
            }

            return default;
        });

        await writer.PublishAsync("a", MemoryChangeType.Created);
        await writer.PublishAsync("boom", MemoryChangeType.Created);
        await writer.PublishAsync("b", MemoryChangeType.Created);
        await writer.PublishAsync("c", MemoryChangeType.Created);
        await three.Task.WaitAsync(TimeSpan.FromSeconds(30));

        (await reader.UnsubscribeAsync(id)).Should().BeTrue();
        (await reader.UnsubscribeAsync(id)).Should().BeFalse();
        await writer.PublishAsync("d", MemoryChangeType.Created);
        seen.Should().Equal("a", "b", "c");
        (await reader.GetStreamMetricsAsync(stream))!.Subscribers.Should().Be(0);
    }

    [SkippableFact]
    public async Task DeleteStream_EndsItsSubscriptions()
    {
        await using var context = await StreamingTestContext.CreateAsync(fixture.Server.ConnectionString, "delete");
        var service = await context.CreateServiceAsync();
        var stream = await service.CreateStreamAsync();
        await using var subscription = await service.SubscribeAsync(stream);
        await using var changes = subscription.GetAsyncEnumerator();
        var pending = changes.MoveNextAsync().AsTask();

        (await service.DeleteStreamAsync(stream)).Should().BeTrue();

        (await pending.WaitAsync(TimeSpan.FromSeconds(30))).Should().BeFalse();
        (await service.DeleteStreamAsync(stream)).Should().BeFalse();
        (await service.GetStreamMetricsAsync(stream)).Should().BeNull();
        await service.Invoking(s => s.SubscribeAsync(stream).AsTask()).Should().ThrowAsync<MemoryStreamException>().WithMessage("*no stream*");
    }

    [SkippableFact]
    public async Task BadArguments_AreRejected()
    {
        await using var context = await StreamingTestContext.CreateAsync(fixture.Server.ConnectionString, "badargs");
        var service = await context.CreateServiceAsync();
        var stream = await service.CreateStreamAsync();

        await service.Invoking(s => s.PublishAsync(null!, MemoryChangeType.Created).AsTask()).Should().ThrowAsync<ArgumentNullException>();
        await service.Invoking(s => s.PublishAsync("k", (MemoryChangeType)42).AsTask()).Should().ThrowAsync<ArgumentException>();
        await service.Invoking(s => s.CreateStreamAsync(new MemoryStreamOptions { KeyPattern = "[" }).AsTask()).Should().ThrowAsync<ArgumentException>();
        await service.Invoking(s => s.SubscribeAsync(stream, new MemorySubscriptionOptions { BufferCapacity = 0 }).AsTask()).Should().ThrowAsync<ArgumentOutOfRangeException>();
        await service.Invoking(s => s.SubscribeAsync(stream, new MemorySubscriptionOptions { FromSequence = 1, FromTimestamp = DateTimeOffset.UtcNow }).AsTask()).Should().ThrowAsync<ArgumentException>();
        await service.Invoking(s => s.SubscribeAsync(stream, null!, null).AsTask()).Should().ThrowAsync<ArgumentNullException>();
        await service.Invoking(s => s.ReplayAsync("nope", DateTimeOffset.UtcNow).AsTask()).Should().ThrowAsync<MemoryStreamException>();
        var create = () => new RedisMemoryStreaming(context.Raw, new RedisMemoryOptions(), new RedisStreamingOptions { ReadBatchSize = 0 });
        create.Should().Throw<ArgumentException>().WithMessage("*ReadBatchSize*");
    }
}
