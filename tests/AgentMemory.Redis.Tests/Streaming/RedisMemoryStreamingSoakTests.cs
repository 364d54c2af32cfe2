using AgentMemory.Redis.Tests.Infrastructure;

namespace AgentMemory.Redis.Tests.Streaming;

/// <summary>Many subscriptions attached concurrently while several processes publish: each sees every change exactly once, in order.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisMemoryStreamingSoakTests(RedisServerFixture fixture)
{
    [SkippableFact]
    public async Task ConcurrentSubscribersAndPublishers_EachSubscriberSeesEveryChangeOnceInOrder()
    {
        await using var context = await StreamingTestContext.CreateAsync(fixture.Server.ConnectionString, "soak");
        var publishers = new[] { await context.CreateServiceAsync(), await context.CreateServiceAsync(), await context.CreateServiceAsync() };
        var reader = await context.CreateServiceAsync();
        var streams = new[] { await reader.CreateStreamAsync(), await reader.CreateStreamAsync(new MemoryStreamOptions { KeyPattern = "p1:*" }) };
        const int PerPublisher = 80;
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var publishing = publishers.Select((publisher, p) => Task.Run(async () =>
        {
            await go.Task;
            for (var i = 0; i < PerPublisher; i++)
            {
                await publisher.PublishAsync($"p{p}:{i}", MemoryChangeType.Updated);
            }
        })).ToArray();

        go.SetResult();
        var subscribing = Enumerable.Range(0, 8).Select(s => Task.Run(async () =>
        {
            var stream = streams[s % 2];
            var options = new MemorySubscriptionOptions { FromSequence = 1, BufferCapacity = 8, OverflowPolicy = StreamOverflowPolicy.BlockWriter, BlockTimeout = TimeSpan.FromHours(1) };
            await using var subscription = await reader.SubscribeAsync(stream, options);
            await using var changes = subscription.GetAsyncEnumerator();
            var expected = s % 2 == 0 ? publishers.Length * PerPublisher : PerPublisher;
            return (Filtered: s % 2 == 1, Changes: await StreamingTestContext.ReadAsync(changes, expected));
        })).ToArray();
        await Task.WhenAll(publishing);
        var results = await Task.WhenAll(subscribing);

        foreach (var (filtered, changes) in results)
        {
            changes.Select(c => c.Sequence).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
            if (filtered)
            {
                changes.Select(c => c.Key).Should().Equal(Enumerable.Range(0, PerPublisher).Select(i => $"p1:{i}"));
            }
            else
            {
                changes.Select(c => c.Sequence).Should().Equal(Enumerable.Range(1, publishers.Length * PerPublisher).Select(i => (long)i));
            }
        }
    }
}
