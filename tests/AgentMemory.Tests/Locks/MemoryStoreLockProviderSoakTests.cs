using System.Collections.Concurrent;

namespace AgentMemory.Tests.Locks;

public sealed class MemoryStoreLockProviderSoakTests : IDisposable
{
    private readonly LockHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task ManyContenders_NeverOverlap_AndTokensIncreaseInGrantOrder()
    {
        const int Workers = 8;
        const int Rounds = 150;
        var inside = 0;
        var overlaps = 0;
        long unprotected = 0;
        var tokens = new ConcurrentQueue<long>();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var tasks = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            for (var i = 0; i < Rounds; i++)
            {
                await using var lease = await _h.Locks.AcquireAsync("hot", LockHarness.Options(3600, null));
                if (Interlocked.Increment(ref inside) != 1)
                {
                    Interlocked.Increment(ref overlaps);
                }

                tokens.Enqueue(lease.FencingToken);
                var read = unprotected;
                await Task.Yield();
                unprotected = read + 1;
                Interlocked.Decrement(ref inside);
            }
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(tasks);

        overlaps.Should().Be(0);
        unprotected.Should().Be(Workers * Rounds);
        tokens.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems().And.HaveCount(Workers * Rounds);
        (await _h.Locks.GetLockInfoAsync("hot")).Should().BeNull();
    }
}
