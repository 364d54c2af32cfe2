using System.Globalization;
using System.Text;
using AgentMemory.Persistence;
using static AgentMemory.Tests.Persistence.PersistedEntries;

namespace AgentMemory.Tests.Persistence.Archive;

/// <summary>Readers hammer the archive while one writer appends, removes and compacts; invariants hold throughout.</summary>
public sealed class ArchiveStoreSoakTests
{
    private const int Keys = 20;
    private const int Iterations = 150;
    private const int Readers = 3;

    [Fact]
    public async Task ReadsDuringAppendsRemovesAndCompactions_AlwaysFindEveryKey_AndNeverGoBackInTime()
    {
        using var harness = new ArchiveHarness(o => o.MaxSegmentBytes = 16 * 1024);
        harness.Store.Append(Enumerable.Range(0, Keys).Select(k => Versioned(k, 0)).ToList());
        using var start = new Barrier(Readers + 2);
        var done = 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();

        var writer = Run(() =>
        {
            start.SignalAndWait();
            try
            {
                for (var i = 1; i <= Iterations; i++)
                {
                    harness.Store.Append([Versioned(i % Keys, i), Create($"tmp{i}", new string('t', 300))]);
                    harness.Store.Remove($"tmp{i}");
                    if (i % 40 == 0)
                    {
                        harness.Store.Compact(force: true).Should().BeTrue();
                    }
                }
            }
            finally
            {
                Volatile.Write(ref done, 1);
            }
        });

        var readers = Enumerable.Range(0, Readers).Select(r => Run(() =>
        {
            var seen = new int[Keys];
            var random = new Random(r);
            start.SignalAndWait();
            while (Volatile.Read(ref done) == 0)
            {
                var k = random.Next(Keys);
                if (!harness.Store.TryGet($"k{k}", harness.Now, out var entry))
                {
                    failures.Enqueue($"reader {r}: k{k} missing");
                    continue;
                }

                var version = VersionOf(entry!);
                if (version < seen[k] || version % Keys != k % Keys && version != 0)
                {
                    failures.Enqueue($"reader {r}: k{k} went from version {seen[k]} to {version}");
                }

                seen[k] = version;
            }
        })).ToList();

        var lister = Run(() =>
        {
            start.SignalAndWait();
            while (Volatile.Read(ref done) == 0)
            {
                var keys = harness.Store.KeysMatching(key => key.StartsWith('k')).ToHashSet();
                if (keys.Count != Keys)
                {
                    failures.Enqueue($"lister saw {keys.Count} k-keys");
                }
            }
        });

        await Task.WhenAll([writer, lister, .. readers]);

        failures.Should().BeEmpty();
        AssertLatest(harness);
        harness.Reopen();
        AssertLatest(harness);
        harness.Store.Count.Should().Be(Keys);
    }

    /// <summary>Runs <paramref name="body"/> on a thread of its own, so the barrier never waits on the thread pool.</summary>
    private static Task Run(Action body) =>
        Task.Factory.StartNew(body, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static void AssertLatest(ArchiveHarness harness)
    {
        for (var k = 0; k < Keys; k++)
        {
            var latest = Enumerable.Range(0, Iterations + 1).Where(i => i % Keys == k).Max();
            VersionOf(harness.Get($"k{k}")!).Should().Be(latest, $"k{k} keeps its last write");
        }
    }

    private static PersistedEntry Versioned(int key, int version) =>
        Create($"k{key}", version.ToString(CultureInfo.InvariantCulture) + new string('v', 200));

    private static int VersionOf(PersistedEntry entry) =>
        int.Parse(Encoding.UTF8.GetString(entry.Payload).TrimEnd('v'), CultureInfo.InvariantCulture);
}
