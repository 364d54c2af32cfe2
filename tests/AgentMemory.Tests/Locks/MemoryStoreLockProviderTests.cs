using AgentMemory.Locks;

namespace AgentMemory.Tests.Locks;

public sealed class MemoryStoreLockProviderTests : IDisposable
{
    private readonly LockHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task TryAcquire_FreeResource_GrantsLeaseWithToken()
    {
        var lease = await _h.Locks.TryAcquireAsync("r", LockHarness.Options(10, owner: "agent-1"));

        lease.Should().NotBeNull();
        lease!.Resource.Should().Be("r");
        lease.FencingToken.Should().Be(1);
        lease.ExpiresAt.Should().Be(_h.Time.GetUtcNow().AddSeconds(10));
        var info = await _h.Locks.GetLockInfoAsync("r");
        info.Should().NotBeNull();
        info!.Owner.Should().Be("agent-1");
        info.LeaseId.Should().Be(lease.LeaseId);
        info.FencingToken.Should().Be(1);
    }

    [Fact]
    public async Task TryAcquire_HeldResourceZeroWait_ReturnsNull()
    {
        await using var held = await _h.Locks.AcquireAsync("r", LockHarness.Options());

        var second = await _h.Locks.TryAcquireAsync("r", LockHarness.Options());

        second.Should().BeNull();
    }

    [Fact]
    public async Task Acquire_HeldResourceZeroWait_ThrowsTimeout()
    {
        await using var held = await _h.Locks.AcquireAsync("r", LockHarness.Options());

        var act = async () => await _h.Locks.AcquireAsync("r", LockHarness.Options());

        (await act.Should().ThrowAsync<MemoryLockTimeoutException>()).Which.Resource.Should().Be("r");
    }

    [Fact]
    public async Task Release_ThenAcquire_GrantsLargerToken()
    {
        var first = await _h.Locks.AcquireAsync("r", LockHarness.Options());
        (await first.ReleaseAsync()).Should().BeTrue();
        (await first.ReleaseAsync()).Should().BeFalse();

        await using var second = await _h.Locks.AcquireAsync("r", LockHarness.Options());

        second.FencingToken.Should().BeGreaterThan(first.FencingToken);
    }

    [Fact]
    public async Task AwaitUsing_ReleasesLockAtEndOfScope()
    {
        await using (var lease = await _h.Locks.AcquireAsync("r", LockHarness.Options()))
        {
            (await _h.Locks.GetLockInfoAsync("r")).Should().NotBeNull();
        }

        (await _h.Locks.GetLockInfoAsync("r")).Should().BeNull();
    }

    [Fact]
    public async Task Waiter_IsWokenByRelease_WithoutTimePassing()
    {
        var holder = await _h.Locks.AcquireAsync("r", LockHarness.Options(60));
        var waiting = _h.Locks.AcquireAsync("r", LockHarness.Options(60, 30)).AsTask();
        waiting.IsCompleted.Should().BeFalse();

        await holder.ReleaseAsync();
        var lease = await waiting;

        lease.FencingToken.Should().Be(holder.FencingToken + 1);
    }

    [Fact]
    public async Task Waiter_TimesOutOnTheFakeClock()
    {
        await using var holder = await _h.Locks.AcquireAsync("r", LockHarness.Options(60));
        var waiting = _h.Locks.TryAcquireAsync("r", LockHarness.Options(60, 5)).AsTask();

        _h.Time.Advance(TimeSpan.FromSeconds(4));
        waiting.IsCompleted.Should().BeFalse();
        _h.Time.Advance(TimeSpan.FromSeconds(1));

        (await waiting).Should().BeNull();
    }

    [Fact]
    public async Task Waiter_IsGrantedWhenHolderLeaseRunsOut()
    {
        var stalled = await _h.Locks.AcquireAsync("r", LockHarness.Options(10));
        var waiting = _h.Locks.AcquireAsync("r", LockHarness.Options(10, 30)).AsTask();

        _h.Time.Advance(TimeSpan.FromSeconds(10));
        var lease = await waiting;

        lease.FencingToken.Should().BeGreaterThan(stalled.FencingToken);
        (await _h.Locks.GetLockInfoAsync("r"))!.LeaseId.Should().Be(lease.LeaseId);
    }

    [Fact]
    public async Task Waiter_CancelledWhileWaiting_Throws()
    {
        await using var holder = await _h.Locks.AcquireAsync("r", LockHarness.Options(60));
        using var cts = new CancellationTokenSource();
        var waiting = _h.Locks.TryAcquireAsync("r", LockHarness.Options(60, null), cts.Token).AsTask();

        await cts.CancelAsync();

        await waiting.Invoking(t => t).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task Extend_KeepsLeaseAlivePastItsOriginalExpiry()
    {
        var lease = await _h.Locks.AcquireAsync("r", LockHarness.Options(10));
        _h.Time.Advance(TimeSpan.FromSeconds(8));

        (await lease.ExtendAsync(TimeSpan.FromSeconds(10))).Should().BeTrue();
        lease.ExpiresAt.Should().Be(_h.Time.GetUtcNow().AddSeconds(10));
        _h.Time.Advance(TimeSpan.FromSeconds(8));

        (await _h.Locks.TryAcquireAsync("r", LockHarness.Options())).Should().BeNull();
        (await _h.Locks.GetLockInfoAsync("r"))!.LeaseId.Should().Be(lease.LeaseId);
    }

    [Fact]
    public async Task Extend_AfterExpiry_ReturnsFalse()
    {
        var lease = await _h.Locks.AcquireAsync("r", LockHarness.Options(10));
        _h.Time.Advance(TimeSpan.FromSeconds(10));

        (await lease.ExtendAsync()).Should().BeFalse();
        (await lease.ReleaseAsync()).Should().BeFalse();
    }

    [Fact]
    public async Task StalledHolder_WriteIsRejected_AfterNewHolderAcquires()
    {
        var stale = await _h.Locks.AcquireAsync("report", LockHarness.Options(10, owner: "a"));
        await _h.Locks.ExecuteFencedAsync("report", stale.FencingToken, ct => _h.Store.StoreAsync("report:body", "from a", cancellationToken: ct));

        _h.Time.Advance(TimeSpan.FromSeconds(11)); // a stalls past its lease
        var fresh = await _h.Locks.AcquireAsync("report", LockHarness.Options(10, owner: "b"));
        await _h.Locks.ExecuteFencedAsync("report", fresh.FencingToken, ct => _h.Store.StoreAsync("report:body", "from b", cancellationToken: ct));

        var staleWrite = async () => await _h.Locks.ExecuteFencedAsync("report", stale.FencingToken, ct => _h.Store.StoreAsync("report:body", "late a", cancellationToken: ct));

        var ex = (await staleWrite.Should().ThrowAsync<MemoryFencingException>()).Which;
        ex.FencingToken.Should().Be(stale.FencingToken);
        ex.CurrentToken.Should().Be(fresh.FencingToken);
        (await _h.Store.RetrieveAsync<string>("report:body")).Should().Be("from b");
        (await stale.ExtendAsync()).Should().BeFalse();
        (await stale.ReleaseAsync()).Should().BeFalse();
        (await _h.Locks.GetLockInfoAsync("report"))!.Owner.Should().Be("b");
    }

    [Fact]
    public async Task FencedWrite_TokenNeverGranted_IsRejected()
    {
        var act = async () => await _h.Locks.ExecuteFencedAsync("r", 5, _ => ValueTask.CompletedTask);

        await act.Should().ThrowAsync<MemoryFencingException>();
    }

    [Fact]
    public async Task Tokens_StayMonotonic_AcrossProviderRestartOverSameStore()
    {
        var first = await _h.Locks.AcquireAsync("r", LockHarness.Options(10));
        await first.ReleaseAsync();
        using var reopened = _h.Reopen();

        await using var second = await reopened.AcquireAsync("r", LockHarness.Options(10));

        second.FencingToken.Should().Be(first.FencingToken + 1);
    }

    [Fact]
    public async Task LiveLease_IsHonoured_ByRestartedProvider()
    {
        await using var held = await _h.Locks.AcquireAsync("r", LockHarness.Options(10));
        using var reopened = _h.Reopen();

        (await reopened.TryAcquireAsync("r", LockHarness.Options())).Should().BeNull();
        _h.Time.Advance(TimeSpan.FromSeconds(10));
        (await reopened.TryAcquireAsync("r", LockHarness.Options())).Should().NotBeNull();
    }

    [Fact]
    public async Task Waiter_BehindAVeryLongLease_SleepsInDailySteps_AndStillTimesOut()
    {
        await using var holder = await _h.Locks.AcquireAsync("r", LockHarness.Options(300 * 86400.0));
        var waiting = _h.Locks.TryAcquireAsync("r", LockHarness.Options(60, 3 * 86400.0)).AsTask();

        for (var day = 0; day < 2; day++)
        {
            _h.Time.Advance(TimeSpan.FromDays(1));
            waiting.IsCompleted.Should().BeFalse();
        }

        _h.Time.Advance(TimeSpan.FromDays(1));
        (await waiting).Should().BeNull();
    }

    [Fact]
    public async Task Waiter_WithHugeTimeout_IsTreatedAsInfinite()
    {
        var holder = await _h.Locks.AcquireAsync("r", LockHarness.Options(60));
        var waiting = _h.Locks.TryAcquireAsync("r", new LockOptions { LeaseTtl = TimeSpan.FromSeconds(60), WaitTimeout = TimeSpan.MaxValue }).AsTask();

        await holder.ReleaseAsync();

        (await waiting).Should().NotBeNull();
    }

    [Fact]
    public async Task FenceCounter_HasCriticalPriority()
    {
        await using var lease = await _h.Locks.AcquireAsync("r", LockHarness.Options());

        (await _h.Store.GetEntryInfoAsync("locks:fence:r"))!.Priority.Should().Be(MemoryPriority.Critical);
        (await _h.Store.RetrieveAsync<long>("locks:fence:r")).Should().Be(lease.FencingToken);
    }

    [Theory]
    [InlineData(400 * 86400.0, 0)]
    [InlineData(0, 0)]
    [InlineData(-1, 0)]
    [InlineData(1, -2)]
    public async Task TryAcquire_BadOptions_ThrowsArgumentException(double lease, double wait)
    {
        var act = async () => await _h.Locks.TryAcquireAsync("r", LockHarness.Options(lease, wait));

        await act.Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task TryAcquire_NullOrEmptyResource_Throws()
    {
        await _h.Invoking(h => h.Locks.TryAcquireAsync(null!).AsTask()).Should().ThrowAsync<ArgumentNullException>();
        await _h.Invoking(h => h.Locks.TryAcquireAsync(string.Empty).AsTask()).Should().ThrowAsync<ArgumentException>();
        await _h.Invoking(h => h.Locks.TryAcquireAsync(new string('x', 2000)).AsTask()).Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public void Constructor_BadOptions_NamesTheOption()
    {
        var act = () => new MemoryStoreLockProvider(_h.Store, _h.Store, new LockProviderOptions { DefaultLeaseTtl = TimeSpan.Zero });

        act.Should().Throw<ArgumentException>().WithMessage("*DefaultLeaseTtl*");
    }
}
