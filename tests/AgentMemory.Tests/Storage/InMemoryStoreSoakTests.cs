using System.Collections.Concurrent;

namespace AgentMemory.Tests.Storage;

/// <summary>
/// Many threads hammering a few shared keys. The iteration count per worker comes from the
/// AGENTMEMORY_SOAK_ITERATIONS environment variable (default 2,000, which keeps this file to a few seconds).
/// </summary>
public sealed class InMemoryStoreSoakTests
{
    private const int Workers = 8;

    internal static int Iterations { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("AGENTMEMORY_SOAK_ITERATIONS"), out var n) && n > 0 ? n : 2_000;

    [Fact]
    public async Task IncrementAsync_ManyThreads_FinalCountersAreTheExactSums()
    {
        using var h = new StoreHarness();
        var returned = new ConcurrentBag<long>();

        await RunWorkers(async worker =>
        {
            for (var i = 0; i < Iterations; i++)
            {
                returned.Add(await h.Ops.IncrementAsync("sequence"));
                await h.Ops.IncrementAsync("weighted", worker + 1);
                await h.Ops.DecrementAsync("down", 2);
                await h.Ops.IncrementAsync($"shared{i % 3}");
            }
        });

        long total = Workers * (long)Iterations;
        (await h.Memory.RetrieveAsync<long>("sequence")).Should().Be(total);
        (await h.Memory.RetrieveAsync<long>("weighted")).Should().Be(Iterations * (long)(Workers * (Workers + 1) / 2));
        (await h.Memory.RetrieveAsync<long>("down")).Should().Be(-2 * total);
        var shared = 0L;
        for (var s = 0; s < 3; s++)
        {
            shared += await h.Memory.RetrieveAsync<long>($"shared{s}");
        }

        shared.Should().Be(total);

        // Every increment saw a distinct intermediate value: no two callers got the same result.
        returned.Should().HaveCount((int)total);
        returned.Distinct().Should().HaveCount((int)total);
        returned.Min().Should().Be(1);
        returned.Max().Should().Be(total);
    }

    [Fact]
    public async Task CompareAndSwapAsync_RetryLoops_ValueEqualsTheNumberOfSuccessfulSwaps()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("cas", 0L);
        long successes = 0;
        long conflicts = 0;
        var perWorker = Math.Max(1, Iterations / 4);

        await RunWorkers(async _ =>
        {
            for (var i = 0; i < perWorker; i++)
            {
                while (true)
                {
                    var current = await h.Memory.RetrieveAsync<long>("cas");
                    if (await h.Ops.CompareAndSwapAsync("cas", current, current + 1))
                    {
                        Interlocked.Increment(ref successes);
                        break;
                    }

                    Interlocked.Increment(ref conflicts);
                }
            }
        });

        successes.Should().Be(Workers * (long)perWorker);
        (await h.Memory.RetrieveAsync<long>("cas")).Should().Be(successes);
    }

    [Fact]
    public async Task CompareAndSwapAsync_AgainstConcurrentIncrements_NoUpdateIsLost()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("mixed", 0L);
        long swaps = 0;
        long increments = 0;
        var perWorker = Math.Max(1, Iterations / 4);

        await RunWorkers(async worker =>
        {
            for (var i = 0; i < perWorker; i++)
            {
                if (worker % 2 == 0)
                {
                    await h.Ops.IncrementAsync("mixed", 3);
                    Interlocked.Add(ref increments, 3);
                    continue;
                }

                while (true)
                {
                    var current = await h.Memory.RetrieveAsync<long>("mixed");
                    if (await h.Ops.CompareAndSwapAsync("mixed", current, current + 1))
                    {
                        Interlocked.Increment(ref swaps);
                        break;
                    }
                }
            }
        });

        swaps.Should().Be((Workers / 2) * (long)perWorker);
        (await h.Memory.RetrieveAsync<long>("mixed")).Should().Be(swaps + increments);
    }

    [Fact]
    public async Task AppendToListAsync_ManyThreads_EveryItemAppearsExactlyOnceAndPairsStayTogether()
    {
        using var h = new StoreHarness();
        var appended = 0L;

        await RunWorkers(async worker =>
        {
            for (var i = 0; i < Iterations; i++)
            {
                if (i % 5 == 0)
                {
                    await h.Ops.AppendToListAsync("list", [$"{worker}:{i}:first", $"{worker}:{i}:second"]);
                    Interlocked.Add(ref appended, 2);
                }
                else
                {
                    await h.Ops.AppendToListAsync("list", [$"{worker}:{i}"]);
                    Interlocked.Increment(ref appended);
                }
            }
        });

        var items = await h.Ops.GetListAsync<string>("list");
        (await h.Ops.GetListLengthAsync("list")).Should().Be(appended);
        items.Should().HaveCount((int)appended);
        items.Should().OnlyHaveUniqueItems();

        // Each worker's items are in its own order, and a multi-item append is contiguous.
        var lastIndex = new int[Workers];
        Array.Fill(lastIndex, -1);
        for (var position = 0; position < items.Count; position++)
        {
            var parts = items[position].Split(':');
            var worker = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
            var index = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            if (parts.Length == 3 && parts[2] == "second")
            {
                items[position - 1].Should().Be($"{worker}:{index}:first");
                continue;
            }

            index.Should().BeGreaterThan(lastIndex[worker]);
            lastIndex[worker] = index;
        }

        lastIndex.Should().AllSatisfy(last => last.Should().Be(Iterations - 1));
    }

    [Fact]
    public async Task MixedOperations_ManyThreads_CountersListsHashesAndAccountingStayExact()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("cas", 0L);
        long swaps = 0;

        await RunWorkers(async worker =>
        {
            for (var i = 0; i < Iterations; i++)
            {
                switch (i % 4)
                {
                    case 0:
                        await h.Ops.IncrementAsync("counter");
                        break;
                    case 1:
                        var current = await h.Memory.RetrieveAsync<long>("cas");
                        if (await h.Ops.CompareAndSwapAsync("cas", current, current + 1))
                        {
                            Interlocked.Increment(ref swaps);
                        }

                        break;
                    case 2:
                        await h.Ops.AppendToListAsync("list", [worker * Iterations + i]);
                        break;
                    default:
                        await h.Ops.SetHashFieldAsync("hash", $"w{worker}", i);
                        await h.Ops.SetHashFieldAsync("scratch", $"w{worker}", i);
                        await h.Ops.DeleteHashFieldAsync("scratch", $"w{worker}");
                        break;
                }
            }
        });

        var perKind = Enumerable.Range(0, Iterations).Count(i => i % 4 == 0);
        (await h.Memory.RetrieveAsync<long>("counter")).Should().Be(Workers * (long)perKind);
        (await h.Memory.RetrieveAsync<long>("cas")).Should().Be(swaps);
        var list = await h.Ops.GetListAsync<int>("list");
        list.Should().HaveCount(Workers * Enumerable.Range(0, Iterations).Count(i => i % 4 == 2)).And.OnlyHaveUniqueItems();
        var hash = await h.Ops.GetHashAsync<int>("hash");
        var lastHashWrite = Enumerable.Range(0, Iterations).Last(i => i % 4 == 3);
        hash.Should().HaveCount(Workers).And.OnlyContain(pair => pair.Value == lastHashWrite);
        (await h.Memory.ExistsAsync("scratch")).Should().BeFalse();

        var keys = h.AllKeys();
        h.Stats().EntryCount.Should().Be(keys.Count);
        h.Stats().BytesUsed.Should().Be(h.SumOfEntrySizes());
    }

    /// <summary>Starts <see cref="Workers"/> tasks that begin together and waits for all of them.</summary>
    private static async Task RunWorkers(Func<int, Task> body)
    {
        using var start = new ManualResetEventSlim(false);
        var tasks = Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            start.Wait();
            await body(worker);
        })).ToArray();
        start.Set();
        await Task.WhenAll(tasks);
    }
}
