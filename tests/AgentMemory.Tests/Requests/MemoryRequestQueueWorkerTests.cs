using AgentMemory.Requests;
using AgentMemory.Tests.Storage;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.Requests;

/// <summary>The worker loop's reuse of its cancellation source, parking and waking, ids, and waiting with a token.</summary>
public sealed class MemoryRequestQueueWorkerTests
{
    private readonly FakeTimeProvider _time = new(StoreHarness.Epoch);

    [Fact]
    public async Task AfterACancelledAttempt_TheNextRequestGetsAFreshToken()
    {
        var handler = new ScriptedHandler();
        await using var queue = (MemoryRequestQueue)MemoryRequestsFactory.CreateQueue(handler, new MemoryRequestsOptions { WorkerCount = 1 }, _time);
        handler.Hold("slow");
        var slow = await queue.EnqueueAsync("slow", new byte[] { 1 });
        await handler.Started("slow");
        (await queue.CancelAsync(slow)).Should().BeTrue();

        var next = await queue.EnqueueAsync("fast", new byte[] { 2 });

        (await queue.WaitForResponseAsync(next)).Data.ToArray().Should().Equal(2);
        (await queue.GetStatusAsync(slow))!.Status.Should().Be(MemoryRequestStatus.Cancelled);
    }

    [Fact]
    public async Task CancelledThenRetried_WhileQueued_RunsExactlyOnce()
    {
        var handler = new ScriptedHandler();
        await using var queue = (MemoryRequestQueue)MemoryRequestsFactory.CreateQueue(handler, new MemoryRequestsOptions { WorkerCount = 1 }, _time);
        handler.Hold("block");
        await queue.EnqueueAsync("block", new byte[] { 0 });
        await handler.Started("block");
        var id = await queue.EnqueueAsync("x", new byte[] { 1 }, new MemoryRequestOptions { Priority = MemoryPriority.Low });
        await queue.EnqueueAsync("y", new byte[] { 2 }, new MemoryRequestOptions { Priority = MemoryPriority.Low });

        (await queue.CancelAsync(id)).Should().BeTrue();
        (await queue.RetryAsync(id)).Should().BeTrue();

        (await queue.GetPendingAsync()).Select(r => r.Request.Operation).Should().Equal("y", "x");
        handler.Release("block");
        (await queue.WaitForResponseAsync(id)).Data.ToArray().Should().Equal(1);
        await Eventually.Until(async () => (await queue.GetMetricsAsync(TimeSpan.FromHours(1))).Completed == 3);
        handler.StartOrder.Should().Equal("block", "y", "x");
        (await queue.GetMetricsAsync(TimeSpan.FromHours(1))).Queued.Should().Be(0);
    }

    [Fact]
    public async Task ParkedWorkers_WakeForEveryBurst()
    {
        var handler = new ScriptedHandler();
        await using var queue = (MemoryRequestQueue)MemoryRequestsFactory.CreateQueue(handler, new MemoryRequestsOptions { WorkerCount = 3 }, _time);
        for (var burst = 0; burst < 20; burst++)
        {
            var ids = new List<string>();
            for (var i = 0; i < burst % 5 + 1; i++)
            {
                ids.Add(await queue.EnqueueAsync("op", new byte[] { (byte)i }));
            }

            foreach (var id in ids)
            {
                (await queue.WaitForResponseAsync(id)).RequestId.Should().Be(id);
            }
        }

        (await queue.GetMetricsAsync(TimeSpan.FromHours(1))).Completed.Should().Be(Enumerable.Range(0, 20).Sum(b => b % 5 + 1));
    }

    [Fact]
    public async Task Ids_AreUniqueWithinAndAcrossQueues()
    {
        var handler = new ScriptedHandler();
        handler.Hold("held");
        await using var first = (MemoryRequestQueue)MemoryRequestsFactory.CreateQueue(handler, new MemoryRequestsOptions { WorkerCount = 1 }, _time);
        await using var second = (MemoryRequestQueue)MemoryRequestsFactory.CreateQueue(handler, new MemoryRequestsOptions { WorkerCount = 1 }, _time);
        var ids = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            ids.Add(await first.EnqueueAsync("held", new byte[] { 1 }));
            ids.Add(await second.EnqueueAsync("held", new byte[] { 1 }));
        }

        ids.Should().OnlyHaveUniqueItems();
        handler.Release("held");
    }

    [Fact]
    public async Task WaitForResponse_WithACancelledToken_StopsWaitingButLeavesTheRequest()
    {
        var handler = new ScriptedHandler();
        await using var queue = (MemoryRequestQueue)MemoryRequestsFactory.CreateQueue(handler, new MemoryRequestsOptions { WorkerCount = 1 }, _time);
        handler.Hold("held");
        var id = await queue.EnqueueAsync("held", new byte[] { 7 });
        using var cts = new CancellationTokenSource();
        var wait = queue.WaitForResponseAsync(id, cts.Token).AsTask();

        await cts.CancelAsync();

        await FluentActions.Awaiting(() => wait).Should().ThrowAsync<OperationCanceledException>();
        handler.Release("held");
        (await queue.WaitForResponseAsync(id)).Data.ToArray().Should().Equal(7);
    }
}
