using System.Collections.Concurrent;
using AgentMemory.Redis.Locks;
using AgentMemory.Redis.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace AgentMemory.Redis.Tests.Locks;

/// <summary>
/// Two providers on separate connections (as two processes would have) contend for the same resources of one server.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisDistributedLockProviderCrossProcessTests(RedisServerFixture fixture) : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly List<IAsyncDisposable> _owned = [];
    private RedisDistributedLockProvider _a = null!;
    private RedisDistributedLockProvider _b = null!;
    private string _prefix = string.Empty;

    public async Task InitializeAsync()
    {
        _prefix = RedisServerFixture.UniquePrefix("xlocks");
        try
        {
            _a = await CreateAsync();
            _b = await CreateAsync();
        }
        catch (Exception ex) when (ex is SkipException or InvalidOperationException)
        {
            // The tests themselves touch the fixture again and are skipped (or fail under CI) there.
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task TwoConnections_AreExclusive_AndTokensStrictlyIncrease()
    {
        _ = fixture.Server;
        const int Rounds = 40;
        var inside = 0;
        var overlaps = 0;
        var tokens = new ConcurrentQueue<long>();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workers = new[] { _a, _b, _a, _b }.Select(provider => Task.Run(async () =>
        {
            await start.Task;
            for (var i = 0; i < Rounds; i++)
            {
                await using var lease = await provider.AcquireAsync("shared", new LockOptions { LeaseTtl = TimeSpan.FromHours(1), WaitTimeout = Timeout.InfiniteTimeSpan });
                if (Interlocked.Increment(ref inside) != 1)
                {
                    Interlocked.Increment(ref overlaps);
                }

                tokens.Enqueue(lease.FencingToken);
                await Task.Yield();
                Interlocked.Decrement(ref inside);
            }
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(workers);

        overlaps.Should().Be(0);
        tokens.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems().And.HaveCount(4 * Rounds);
    }

    [SkippableFact]
    public async Task HolderOnOneConnection_BlocksTheOther_UntilItReleases()
    {
        _ = fixture.Server;
        var holder = await _a.AcquireAsync("r", new LockOptions { LeaseTtl = TimeSpan.FromMinutes(5), Owner = "process-a" });

        (await _b.TryAcquireAsync("r", new LockOptions { WaitTimeout = TimeSpan.Zero })).Should().BeNull();
        var info = await _b.GetLockInfoAsync("r");
        info!.Owner.Should().Be("process-a");
        info.FencingToken.Should().Be(holder.FencingToken);
        info.ExpiresAt.Should().Be(holder.ExpiresAt.AddTicks(-(holder.ExpiresAt.UtcTicks % TimeSpan.TicksPerMillisecond)));

        var waiter = _b.AcquireAsync("r", new LockOptions { WaitTimeout = Timeout.InfiniteTimeSpan }).AsTask();
        (await holder.ReleaseAsync()).Should().BeTrue();

        await using var granted = await waiter;
        granted.FencingToken.Should().BeGreaterThan(holder.FencingToken);
    }

    [SkippableFact]
    public async Task StalledHolder_FencedWriteIsRejected_AfterItsLeaseRanOutAndTheOtherProcessTookOver()
    {
        _ = fixture.Server;
        var store = new ConcurrentQueue<string>();
        var stalled = await _a.AcquireAsync("job", new LockOptions { LeaseTtl = TimeSpan.FromSeconds(10) });
        await _a.ExecuteFencedAsync("job", stalled.FencingToken, _ => { store.Enqueue("a-1"); return default; });

        _time.Advance(TimeSpan.FromSeconds(11));
        await using var successor = await _b.AcquireAsync("job", new LockOptions { LeaseTtl = TimeSpan.FromSeconds(10), WaitTimeout = TimeSpan.Zero });
        await _b.ExecuteFencedAsync("job", successor.FencingToken, _ => { store.Enqueue("b-1"); return default; });
        var late = async () => await _a.ExecuteFencedAsync("job", stalled.FencingToken, _ => { store.Enqueue("a-2"); return default; });

        var rejected = (await late.Should().ThrowAsync<MemoryFencingException>()).Which;
        rejected.FencingToken.Should().Be(stalled.FencingToken);
        rejected.CurrentToken.Should().Be(successor.FencingToken);
        store.Should().Equal("a-1", "b-1");
        (await stalled.ExtendAsync()).Should().BeFalse();
        (await stalled.ReleaseAsync()).Should().BeFalse();
    }

    [SkippableFact]
    public async Task FencedWrite_HoldsOffGrantsInTheOtherProcess_UntilItCompletes()
    {
        _ = fixture.Server;
        var lease = await _a.AcquireAsync("guarded", new LockOptions { LeaseTtl = TimeSpan.FromSeconds(5) });
        var inWrite = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finishWrite = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var write = _a.ExecuteFencedAsync("guarded", lease.FencingToken, async _ =>
        {
            inWrite.SetResult();
            await finishWrite.Task;
        }).AsTask();
        await inWrite.Task;

        // The lease runs out while the fenced write is still running: the other process must not get in yet.
        _time.Advance(TimeSpan.FromSeconds(6));
        (await _b.TryAcquireAsync("guarded", new LockOptions { WaitTimeout = TimeSpan.Zero })).Should().BeNull();
        var waiter = _b.AcquireAsync("guarded", new LockOptions { WaitTimeout = Timeout.InfiniteTimeSpan }).AsTask();
        finishWrite.SetResult();
        await write;

        await using var next = await waiter;
        next.FencingToken.Should().BeGreaterThan(lease.FencingToken);
    }

    [SkippableFact]
    public async Task FencingCounter_SurvivesLeaseKeyDeletion()
    {
        _ = fixture.Server;
        var first = await _a.AcquireAsync("counter", new LockOptions { LeaseTtl = TimeSpan.FromSeconds(1) });
        await using var connection = await ConnectionMultiplexer.ConnectAsync(fixture.Server.ConnectionString);

        // As if Redis had expired the lease key natively.
        await connection.GetDatabase().KeyDeleteAsync(_prefix + "__lock:lease:counter");
        await using var second = await _b.AcquireAsync("counter", new LockOptions { WaitTimeout = TimeSpan.Zero });

        second.FencingToken.Should().Be(first.FencingToken + 1);
    }

    [SkippableFact]
    public async Task Waiter_IsCancelled()
    {
        _ = fixture.Server;
        await using var holder = await _a.AcquireAsync("cancel", new LockOptions { LeaseTtl = TimeSpan.FromHours(1) });
        using var cancel = new CancellationTokenSource();
        var waiter = _b.AcquireAsync("cancel", new LockOptions { WaitTimeout = Timeout.InfiniteTimeSpan }, cancel.Token).AsTask();

        await cancel.CancelAsync();

        await waiter.Invoking(w => w).Should().ThrowAsync<OperationCanceledException>();
    }

    [SkippableFact]
    public async Task BadArguments_AreRejected()
    {
        _ = fixture.Server;
        await _a.Invoking(p => p.TryAcquireAsync(null!).AsTask()).Should().ThrowAsync<ArgumentNullException>();
        await _a.Invoking(p => p.TryAcquireAsync(string.Empty).AsTask()).Should().ThrowAsync<ArgumentException>();
        await _a.Invoking(p => p.TryAcquireAsync("r", new LockOptions { LeaseTtl = TimeSpan.Zero }).AsTask()).Should().ThrowAsync<ArgumentException>();
        await _a.Invoking(p => p.TryAcquireAsync("r", new LockOptions { WaitTimeout = TimeSpan.FromSeconds(-2) }).AsTask()).Should().ThrowAsync<ArgumentException>();
        await _a.Invoking(p => p.ExecuteFencedAsync("r", 1, null!).AsTask()).Should().ThrowAsync<ArgumentNullException>();
        await _a.Invoking(p => p.ExecuteFencedAsync("never-locked", 1, _ => default).AsTask()).Should().ThrowAsync<MemoryFencingException>();
        var create = () => new RedisDistributedLockProvider(null!, new RedisMemoryOptions());
        create.Should().Throw<ArgumentNullException>();
    }

    private async Task<RedisDistributedLockProvider> CreateAsync()
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(fixture.Server.ConnectionString);
        _owned.Add(connection);
        var provider = new RedisDistributedLockProvider(connection, new RedisMemoryOptions { ConnectionString = fixture.Server.ConnectionString, KeyPrefix = _prefix }, timeProvider: _time);
        _owned.Add(provider);
        return provider;
    }
}
