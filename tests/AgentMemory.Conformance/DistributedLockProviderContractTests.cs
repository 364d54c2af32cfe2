using System.Collections.Concurrent;

namespace AgentMemory.Conformance;

/// <summary>
/// The <see cref="IDistributedLockProvider"/> contract: exclusive leases that expire, fencing tokens that only grow,
/// fenced writes that refuse a stale token, waiting with a timeout, and exclusivity under contention.
/// </summary>
public abstract class DistributedLockProviderContractTests : ConformanceTestBase<IDistributedLockProvider>
{
    private static LockOptions Options(double leaseSeconds, double waitSeconds = 0) => new()
    {
        LeaseTtl = TimeSpan.FromSeconds(leaseSeconds),
        WaitTimeout = TimeSpan.FromSeconds(waitSeconds),
    };

    /// <summary>A free resource is granted with a positive token; while held it is not granted again.</summary>
    [SkippableFact]
    public async Task Acquire_IsExclusiveWhileHeld()
    {
        await using var lease = await Service.AcquireAsync("contract:r", Options(30));

        lease.FencingToken.Should().BePositive();
        lease.Resource.Should().Be("contract:r");
        (await Service.TryAcquireAsync("contract:r", Options(30))).Should().BeNull();
        await Service.Invoking(s => s.AcquireAsync("contract:r", Options(30)).AsTask()).Should().ThrowAsync<MemoryLockTimeoutException>();
        (await Service.GetLockInfoAsync("contract:r"))!.LeaseId.Should().Be(lease.LeaseId);
    }

    /// <summary>Each grant's token is larger than the one before, and disposing the lease releases it.</summary>
    [SkippableFact]
    public async Task Tokens_Increase_AndDisposeReleases()
    {
        long previous = 0;
        for (var i = 0; i < 5; i++)
        {
            await using var lease = await Service.AcquireAsync("contract:r", Options(30));
            lease.FencingToken.Should().BeGreaterThan(previous);
            previous = lease.FencingToken;
        }

        (await Service.GetLockInfoAsync("contract:r")).Should().BeNull();
    }

    /// <summary>Different resources do not exclude each other.</summary>
    [SkippableFact]
    public async Task DifferentResources_AreIndependent()
    {
        await using var a = await Service.AcquireAsync("contract:a", Options(30));
        await using var b = await Service.AcquireAsync("contract:b", Options(30));

        a.LeaseId.Should().NotBe(b.LeaseId);
    }

    /// <summary>A waiter is granted the lock when the holder releases it.</summary>
    [SkippableFact]
    public async Task Waiter_GetsTheLockOnRelease()
    {
        var holder = await Service.AcquireAsync("contract:r", Options(60));
        var waiter = Service.AcquireAsync("contract:r", Options(60, 3600)).AsTask();

        await holder.ReleaseAsync();

        await using var lease = await waiter;
        lease.FencingToken.Should().BeGreaterThan(holder.FencingToken);
    }

    /// <summary>A lease that is not extended runs out; the next holder's token fences the stale holder's writes.</summary>
    [SkippableFact]
    public async Task ExpiredLease_IsSuperseded_AndItsWritesAreFenced()
    {
        var stale = await Service.AcquireAsync("contract:r", Options(5));
        var writes = new List<string>();
        await Service.ExecuteFencedAsync("contract:r", stale.FencingToken, _ => { writes.Add("stale-before"); return default; });

        await Subject.AdvanceTime(TimeSpan.FromSeconds(6));
        await using var fresh = await Service.AcquireAsync("contract:r", Options(30));
        await Service.ExecuteFencedAsync("contract:r", fresh.FencingToken, _ => { writes.Add("fresh"); return default; });
        var late = async () => await Service.ExecuteFencedAsync("contract:r", stale.FencingToken, _ => { writes.Add("stale-after"); return default; });

        await late.Should().ThrowAsync<MemoryFencingException>();
        writes.Should().Equal("stale-before", "fresh");
        (await stale.ExtendAsync()).Should().BeFalse();
        (await stale.ReleaseAsync()).Should().BeFalse();
        (await Service.GetLockInfoAsync("contract:r"))!.LeaseId.Should().Be(fresh.LeaseId);
    }

    /// <summary>Extending a live lease keeps it past its original expiry.</summary>
    [SkippableFact]
    public async Task Extend_KeepsTheLease()
    {
        await using var lease = await Service.AcquireAsync("contract:r", Options(10));
        await Subject.AdvanceTime(TimeSpan.FromSeconds(6));

        (await lease.ExtendAsync(TimeSpan.FromSeconds(10))).Should().BeTrue();
        await Subject.AdvanceTime(TimeSpan.FromSeconds(6));

        (await Service.TryAcquireAsync("contract:r", Options(10))).Should().BeNull();
    }

    /// <summary>A waiter whose timeout passes first gets nothing.</summary>
    [SkippableFact]
    public async Task Waiter_TimesOut()
    {
        await using var holder = await Service.AcquireAsync("contract:r", Options(3600));
        var waiter = Service.TryAcquireAsync("contract:r", Options(3600, 2)).AsTask();

        await Subject.AdvanceTime(TimeSpan.FromSeconds(3));

        (await waiter).Should().BeNull();
    }

    /// <summary>Many contenders never hold the lock at once, and tokens increase in grant order.</summary>
    [SkippableFact]
    public async Task Contention_IsExclusive()
    {
        const int Workers = 6;
        const int Rounds = 50;
        var inside = 0;
        var overlaps = 0;
        var tokens = new ConcurrentQueue<long>();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            for (var i = 0; i < Rounds; i++)
            {
                await using var lease = await Service.AcquireAsync("contract:hot", new LockOptions { LeaseTtl = TimeSpan.FromHours(1), WaitTimeout = Timeout.InfiniteTimeSpan });
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
        await Task.WhenAll(tasks);

        overlaps.Should().Be(0);
        tokens.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems().And.HaveCount(Workers * Rounds);
    }
}
