using AgentMemory.Requests;
using AgentMemory.Tests.Storage;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.Requests;

/// <summary>Many producers, cancellers and status readers at once; afterwards every request is accounted for exactly once.</summary>
public sealed class MemoryRequestQueueSoakTests
{
    [Fact]
    public async Task ConcurrentEnqueueCancelAndStatus_EveryRequestEndsOnceAndMetricsAddUp()
    {
        var time = new FakeTimeProvider(StoreHarness.Epoch);
        var queue = MemoryRequestsFactory.CreateQueue(new ScriptedHandler(), new MemoryRequestsOptions { WorkerCount = 3, MaxAttempts = 1 }, time);
        await using var _ = (IAsyncDisposable)queue;
        const int Producers = 4;
        const int PerProducer = 250;
        var ids = new string[Producers][];

        var producers = Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            ids[p] = new string[PerProducer];
            for (var i = 0; i < PerProducer; i++)
            {
                ids[p][i] = await queue.EnqueueAsync("echo", BitConverter.GetBytes(i), new MemoryRequestOptions { Priority = (MemoryPriority)((p + i) % 4) });
                if (i % 5 == 0)
                {
                    await queue.CancelAsync(ids[p][i / 2]);
                }

                (await queue.GetStatusAsync(ids[p][i])).Should().NotBeNull();
                if (i % 50 == 0)
                {
                    await queue.GetPendingAsync(10);
                }
            }
        })).ToArray();
        await Task.WhenAll(producers);

        long completed = 0, cancelled = 0;
        foreach (var id in ids.SelectMany(x => x))
        {
            try
            {
                await queue.WaitForResponseAsync(id);
                completed++;
            }
            catch (OperationCanceledException)
            {
                cancelled++;
            }

            (await queue.GetStatusAsync(id))!.Status.Should().BeOneOf(MemoryRequestStatus.Completed, MemoryRequestStatus.Cancelled);
        }

        (completed + cancelled).Should().Be(Producers * PerProducer);
        var metrics = await queue.GetMetricsAsync(TimeSpan.FromHours(1));
        metrics.Completed.Should().Be(completed);
        metrics.Cancelled.Should().Be(cancelled);
        metrics.Failed.Should().Be(0);
        metrics.Queued.Should().Be(0);
        metrics.Running.Should().Be(0);
        (await queue.GetPendingAsync()).Should().BeEmpty();
    }
}
