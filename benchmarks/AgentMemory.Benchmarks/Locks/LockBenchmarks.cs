using AgentMemory.Locks;
using AgentMemory.Storage;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace AgentMemory.Benchmarks.Locks;

/// <summary>
/// Locks: how long does one acquire + release of one lock take, alone and with 4 tasks contending for it?
/// </summary>
/// <remarks>
/// The peer is <see cref="SemaphoreSlim"/>(1, 1) with <c>WaitAsync</c>/<c>Release</c>, the async mutex a .NET
/// user reaches for in one process. It has no leases, no fencing tokens and nothing persisted; the
/// store-backed provider writes a lease entry, increments a fencing counter and deletes the lease on every
/// acquire/release, so the comparison shows the price of those guarantees. Each invocation runs
/// <see cref="Rounds"/> acquire/release pairs (spread over the contenders in the contended case) and the cleanup
/// checks that no two holders overlapped.
/// </remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class LockBenchmarks
{
    private const int Rounds = 1000;
    private const int Contenders = 4;
    private static readonly LockOptions Options = new() { LeaseTtl = TimeSpan.FromMinutes(5), WaitTimeout = Timeout.InfiniteTimeSpan };

    private SemaphoreSlim _semaphore = null!;
    private InMemoryStore _store = null!;
    private MemoryStoreLockProvider _locks = null!;
    private int _inside;
    private int _overlaps;

    [GlobalSetup]
    public void Setup()
    {
        _semaphore = new SemaphoreSlim(1, 1);
        _store = new InMemoryStore();
        _locks = new MemoryStoreLockProvider(_store, _store);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_overlaps != 0)
        {
            throw new InvalidOperationException($"{_overlaps} overlapping holders.");
        }

        _locks.Dispose();
        _store.Dispose();
        _semaphore.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Rounds)]
    [BenchmarkCategory("Uncontended")]
    public async Task SemaphoreSlim_Uncontended() => await SemaphoreLoopAsync(Rounds);

    [Benchmark(OperationsPerInvoke = Rounds)]
    [BenchmarkCategory("Uncontended")]
    public async Task LockProvider_Uncontended() => await ProviderLoopAsync(Rounds);

    [Benchmark(Baseline = true, OperationsPerInvoke = Rounds)]
    [BenchmarkCategory("Contended4")]
    public async Task SemaphoreSlim_Contended() => await Task.WhenAll(Enumerable.Range(0, Contenders).Select(_ => Task.Run(() => SemaphoreLoopAsync(Rounds / Contenders))));

    [Benchmark(OperationsPerInvoke = Rounds)]
    [BenchmarkCategory("Contended4")]
    public async Task LockProvider_Contended() => await Task.WhenAll(Enumerable.Range(0, Contenders).Select(_ => Task.Run(() => ProviderLoopAsync(Rounds / Contenders))));

    private async Task SemaphoreLoopAsync(int rounds)
    {
        for (var i = 0; i < rounds; i++)
        {
            await _semaphore.WaitAsync();
            Enter();
            Exit();
            _semaphore.Release();
        }
    }

    private async Task ProviderLoopAsync(int rounds)
    {
        for (var i = 0; i < rounds; i++)
        {
            var lease = await _locks.AcquireAsync("bench", Options);
            Enter();
            Exit();
            await lease.ReleaseAsync();
        }
    }

    private void Enter()
    {
        if (Interlocked.Increment(ref _inside) != 1)
        {
            Interlocked.Increment(ref _overlaps);
        }
    }

    private void Exit() => Interlocked.Decrement(ref _inside);
}
