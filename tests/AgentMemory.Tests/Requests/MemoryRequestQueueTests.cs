using AgentMemory.Requests;
using AgentMemory.Tests.Storage;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.Requests;

/// <summary>Priority, FIFO, aging, cancellation, retries with backoff and metrics of the request queue.</summary>
public sealed class MemoryRequestQueueTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new(StoreHarness.Epoch);
    private readonly ScriptedHandler _handler = new();
    private IMemoryRequests? _queue;

    private IMemoryRequests Create(Action<MemoryRequestsOptions>? configure = null)
    {
        var options = new MemoryRequestsOptions { WorkerCount = 1 };
        configure?.Invoke(options);
        return _queue = MemoryRequestsFactory.CreateQueue(_handler, options, _time);
    }

    public async ValueTask DisposeAsync()
    {
        if (_queue is IAsyncDisposable d)
        {
            await d.DisposeAsync();
        }
    }

    private static ValueTask<string> Enqueue(IMemoryRequests queue, string operation, MemoryPriority priority = MemoryPriority.Normal, int? maxAttempts = null) =>
        queue.EnqueueAsync(operation, new byte[] { 1 }, new MemoryRequestOptions { Priority = priority, MaxAttempts = maxAttempts });

    [Fact]
    public async Task Requests_AreProcessedByPriorityThenFifo()
    {
        var queue = Create();
        _handler.Hold("block");
        var blocker = await Enqueue(queue, "block");
        await _handler.Started("block");
        var ids = new List<string>();
        foreach (var (op, priority) in new[] { ("low1", MemoryPriority.Low), ("normal1", MemoryPriority.Normal), ("critical1", MemoryPriority.Critical), ("high1", MemoryPriority.High), ("normal2", MemoryPriority.Normal), ("critical2", MemoryPriority.Critical) })
        {
            ids.Add(await Enqueue(queue, op, priority));
        }

        (await queue.GetPendingAsync()).Select(p => p.Request.Operation).Should().Equal("critical1", "critical2", "high1", "normal1", "normal2", "low1");
        _handler.Release("block");
        foreach (var id in ids)
        {
            await queue.WaitForResponseAsync(id);
        }

        _handler.StartOrder.Should().Equal("block", "critical1", "critical2", "high1", "normal1", "normal2", "low1");
    }

    [Fact]
    public async Task Aging_RaisesWaitingRequests_SoLowPriorityIsNotStarved()
    {
        var queue = Create(o => o.AgingInterval = TimeSpan.FromSeconds(10));
        _handler.Hold("block");
        await Enqueue(queue, "block");
        await _handler.Started("block");
        await Enqueue(queue, "old-low", MemoryPriority.Low);
        _time.Advance(TimeSpan.FromSeconds(25)); // low + 2 levels = high
        await Enqueue(queue, "new-high", MemoryPriority.High);
        await Enqueue(queue, "new-critical", MemoryPriority.Critical);

        (await queue.GetPendingAsync()).Select(p => p.Request.Operation).Should().Equal("new-critical", "old-low", "new-high");
        // 10 s later: old-low is critical (3 levels) and new-high too (1 level); all tie, so the longest waiting goes first.
        _time.Advance(TimeSpan.FromSeconds(10));
        (await queue.GetPendingAsync()).Select(p => p.Request.Operation).Should().Equal("old-low", "new-high", "new-critical");
    }

    [Fact]
    public async Task Aging_Disabled_KeepsStrictPriority()
    {
        var queue = Create(o => o.AgingInterval = null);
        _handler.Hold("block");
        await Enqueue(queue, "block");
        await _handler.Started("block");
        await Enqueue(queue, "low", MemoryPriority.Low);
        _time.Advance(TimeSpan.FromDays(1));
        await Enqueue(queue, "normal");

        (await queue.GetPendingAsync(limit: 1)).Single().Request.Operation.Should().Be("normal");
    }

    [Fact]
    public async Task Cancel_QueuedRequest_IsRemovedAndItsWaiterCancelled()
    {
        var queue = Create();
        _handler.Hold("block");
        await Enqueue(queue, "block");
        await _handler.Started("block");
        var id = await Enqueue(queue, "victim");

        (await queue.CancelAsync(id)).Should().BeTrue();
        (await queue.CancelAsync(id)).Should().BeFalse("it is no longer queued");
        (await queue.GetStatusAsync(id))!.Status.Should().Be(MemoryRequestStatus.Cancelled);
        (await queue.GetPendingAsync()).Should().BeEmpty();
        await FluentActions.Awaiting(() => queue.WaitForResponseAsync(id).AsTask()).Should().ThrowAsync<OperationCanceledException>();
        _handler.Release("block");
        _handler.StartOrder.Should().NotContain("victim");
    }

    [Fact]
    public async Task Cancel_RunningRequest_CancelsTheHandlersToken()
    {
        var queue = Create();
        _handler.Hold("slow");
        var id = await Enqueue(queue, "slow");
        await _handler.Started("slow");
        (await queue.GetStatusAsync(id))!.Status.Should().Be(MemoryRequestStatus.Running);

        (await queue.CancelAsync(id)).Should().BeTrue();

        await FluentActions.Awaiting(() => queue.WaitForResponseAsync(id).AsTask()).Should().ThrowAsync<OperationCanceledException>();
        var status = await queue.GetStatusAsync(id);
        status!.Status.Should().Be(MemoryRequestStatus.Cancelled);
        status.Attempts.Should().Be(1);
    }

    [Fact]
    public async Task FailedAttempts_AreRetriedWithExponentialBackoffOnTheClock()
    {
        var queue = Create(o => o.RetryDelay = TimeSpan.FromSeconds(1));
        _handler.Fail("flaky", 2);
        var id = await Enqueue(queue, "flaky", maxAttempts: 3);

        await WaitForRetry(queue, id, StoreHarness.Epoch.AddSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(1));
        await WaitForRetry(queue, id, StoreHarness.Epoch.AddSeconds(3));
        (await queue.GetPendingAsync()).Single().NextAttemptAt.Should().Be(StoreHarness.Epoch.AddSeconds(3));
        _time.Advance(TimeSpan.FromSeconds(1));
        (await queue.GetStatusAsync(id))!.Status.Should().Be(MemoryRequestStatus.Queued, "the second backoff is two seconds");
        _time.Advance(TimeSpan.FromSeconds(1));

        var response = await queue.WaitForResponseAsync(id);
        response.Data.ToArray().Should().Equal(1);
        var status = await queue.GetStatusAsync(id);
        status!.Status.Should().Be(MemoryRequestStatus.Completed);
        status.Attempts.Should().Be(3);
        var metrics = await queue.GetMetricsAsync(TimeSpan.FromMinutes(1));
        metrics.Retries.Should().Be(2);
        metrics.Completed.Should().Be(1);
        metrics.LatencyP50.Should().Be(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task ExhaustedAttempts_FailTheRequest_AndRetryAsyncRequeuesIt()
    {
        var queue = Create(o => o.RetryDelay = TimeSpan.FromSeconds(1));
        _handler.Fail("broken", 3);
        var id = await Enqueue(queue, "broken", maxAttempts: 1);

        await FluentActions.Awaiting(() => queue.WaitForResponseAsync(id).AsTask())
            .Should().ThrowAsync<MemoryRequestException>().WithMessage("*broken*after 1 attempt*scripted failure*");
        var failed = await queue.GetStatusAsync(id);
        failed!.Status.Should().Be(MemoryRequestStatus.Failed);
        failed.Error.Should().Contain("scripted failure");
        (await queue.RetryAsync("unknown")).Should().BeFalse();

        (await queue.RetryAsync(id, maxAttempts: 3)).Should().BeTrue();
        await WaitForRetry(queue, id, _time.GetUtcNow().AddSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(1));
        await WaitForRetry(queue, id, _time.GetUtcNow().AddSeconds(2));
        _time.Advance(TimeSpan.FromSeconds(2));

        (await queue.WaitForResponseAsync(id)).RequestId.Should().Be(id);
        var metrics = await queue.GetMetricsAsync(TimeSpan.FromHours(1));
        metrics.Failed.Should().Be(1);
        metrics.Completed.Should().Be(1);
    }

    [Fact]
    public async Task Workers_ProcessManyRequestsConcurrently()
    {
        var queue = Create(o => o.WorkerCount = 4);
        var ids = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            ids.Add(await queue.EnqueueAsync("echo", BitConverter.GetBytes(i), new MemoryRequestOptions { Priority = (MemoryPriority)(i % 4) }));
        }

        for (var i = 0; i < ids.Count; i++)
        {
            BitConverter.ToInt32((await queue.WaitForResponseAsync(ids[i])).Data.Span).Should().Be(i);
        }

        var metrics = await queue.GetMetricsAsync(TimeSpan.FromSeconds(10));
        metrics.Completed.Should().Be(200);
        metrics.ThroughputPerSecond.Should().Be(20);
        metrics.Queued.Should().Be(0);
        metrics.Running.Should().Be(0);
    }

    [Fact]
    public async Task Dispose_CancelsQueuedRequestsAndRefusesNewOnes()
    {
        var queue = Create();
        _handler.Hold("block");
        var running = await Enqueue(queue, "block");
        await _handler.Started("block");
        var queued = await Enqueue(queue, "never");

        await ((IAsyncDisposable)queue).DisposeAsync();

        (await queue.GetStatusAsync(queued))!.Status.Should().Be(MemoryRequestStatus.Cancelled);
        (await queue.GetStatusAsync(running))!.Status.Should().Be(MemoryRequestStatus.Cancelled);
        await FluentActions.Awaiting(() => Enqueue(queue, "late").AsTask()).Should().ThrowAsync<ObjectDisposedException>();
    }

    [Fact]
    public async Task InvalidArguments_AreRefused()
    {
        var queue = Create();
        await FluentActions.Awaiting(() => queue.EnqueueAsync("", default).AsTask()).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => queue.EnqueueAsync("x", default, new MemoryRequestOptions { Priority = (MemoryPriority)9 }).AsTask())
            .Should().ThrowAsync<ArgumentException>().WithMessage("*Priority*");
        await FluentActions.Awaiting(() => queue.EnqueueAsync("x", default, new MemoryRequestOptions { MaxAttempts = 0 }).AsTask())
            .Should().ThrowAsync<ArgumentOutOfRangeException>().WithMessage("*MaxAttempts*");
        await FluentActions.Awaiting(() => queue.GetPendingAsync(0).AsTask()).Should().ThrowAsync<ArgumentOutOfRangeException>();
        await FluentActions.Awaiting(() => queue.GetMetricsAsync(TimeSpan.Zero).AsTask()).Should().ThrowAsync<ArgumentOutOfRangeException>();
        await FluentActions.Awaiting(() => queue.WaitForResponseAsync("nope").AsTask()).Should().ThrowAsync<MemoryRequestException>().WithMessage("*no request 'nope'*");
        FluentActions.Invoking(() => MemoryRequestsFactory.CreateQueue(_handler, new MemoryRequestsOptions { WorkerCount = 0, RetryDelay = TimeSpan.Zero }))
            .Should().Throw<ArgumentException>().WithMessage("*WorkerCount*RetryDelay*");
    }

    [Fact]
    public void Percentile_IsNearestRank()
    {
        var recorder = new RequestMetricsRecorder(1000, TimeSpan.FromHours(1));
        var now = StoreHarness.Epoch.UtcTicks;
        for (var i = 1; i <= 100; i++)
        {
            recorder.Record(now, RequestMetricsRecorder.Outcome.Completed, TimeSpan.FromMilliseconds(i).Ticks);
        }

        recorder.Record(now - TimeSpan.FromMinutes(10).Ticks, RequestMetricsRecorder.Outcome.Failed);
        recorder.Record(now, RequestMetricsRecorder.Outcome.Failed);

        var metrics = recorder.Compute(now, TimeSpan.FromMinutes(1), 0, 0);
        metrics.LatencyP50.Should().Be(TimeSpan.FromMilliseconds(50));
        metrics.LatencyP95.Should().Be(TimeSpan.FromMilliseconds(95));
        metrics.LatencyP99.Should().Be(TimeSpan.FromMilliseconds(99));
        metrics.Failed.Should().Be(1, "the older failure is outside the window");
        recorder.Compute(now, TimeSpan.FromHours(1), 0, 0).Failed.Should().Be(2);
    }

    private static Task WaitForRetry(IMemoryRequests queue, string id, DateTimeOffset due) =>
        Eventually.Until(async () => (await queue.GetStatusAsync(id)) is { Status: MemoryRequestStatus.Queued, NextAttemptAt: { } at } && at == due);
}
