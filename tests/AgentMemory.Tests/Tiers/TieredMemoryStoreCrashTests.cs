using System.Diagnostics;
using AgentMemory.Persistence;
using AgentMemory.Tiers;

namespace AgentMemory.Tests.Tiers;

/// <summary>
/// A child process writes in write-through mode and is killed with SIGKILL at a random point; after each kill the store
/// must open, pass SQLite's integrity check and hold every write the child acknowledged. The number of kills comes from
/// <c>AGENTMEMORY_CRASH_ITERATIONS</c> (default 5; the soak run uses hundreds).
/// </summary>
public sealed class TieredMemoryStoreCrashTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task WriteThrough_SurvivesSigkillAtRandomPoints_WithEveryAcknowledgedWrite()
    {
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("AGENTMEMORY_CRASH_ITERATIONS"), out var n) && n > 0 ? n : 5;
        var database = _directory.File("crash.db");
        var ackFile = _directory.File("acks.txt");
        var random = new Random(12345);
        long next = 0;
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            var target = next + random.Next(1, 120);
            using (var child = StartWriter(database, ackFile, next))
            {
                // Kill once the child has acknowledged a random number of writes (or has exited on its own with an error).
                while (Acknowledged(ackFile).Count == 0 || Acknowledged(ackFile).Max() < target)
                {
                    if (child.HasExited)
                    {
                        var error = await child.StandardError.ReadToEndAsync();
                        throw new InvalidOperationException($"The writer exited with code {child.ExitCode}: {error}");
                    }

                    await Task.Delay(5);
                }

                child.Kill(entireProcessTree: true);
                await child.WaitForExitAsync();
            }

            var acknowledged = Acknowledged(ackFile);
            await using (var store = TieredMemoryStore.Open(new SqlitePersistenceOptions { Path = database }))
            {
                store.LongTerm.IntegrityCheck().Should().Be("ok");
                foreach (var i in acknowledged)
                {
                    (await store.RetrieveAsync<string>($"k{i}")).Should().StartWith($"value-{i}-", $"write k{i} was acknowledged before kill {iteration}");
                    (await store.RetrieveAsync<long>($"b{i}")).Should().Be(i);
                    (await store.RetrieveAsync<long>($"b{i}-twin")).Should().Be(-i);
                }

                long counters = 0;
                for (var c = 0; c < 7; c++)
                {
                    counters += await store.RetrieveAsync<long>($"c{c}");
                }

                counters.Should().BeGreaterThanOrEqualTo(acknowledged.Count, "every acknowledged write incremented a counter");
            }

            next = acknowledged.Max() + 1;
        }
    }

    private static Process StartWriter(string database, string ackFile, long first)
    {
        var writer = Path.Combine(AppContext.BaseDirectory, "AgentMemory.CrashWriter.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(writer);
        info.ArgumentList.Add(database);
        info.ArgumentList.Add(ackFile);
        info.ArgumentList.Add(first.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return Process.Start(info) ?? throw new InvalidOperationException("The writer process did not start.");
    }

    /// <summary>The indices on complete lines of the ack file (a torn last line was never acknowledged).</summary>
    private static List<long> Acknowledged(string ackFile)
    {
        if (!File.Exists(ackFile))
        {
            return [];
        }

        string text;
        using (var stream = new FileStream(ackFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        using (var reader = new StreamReader(stream))
        {
            text = reader.ReadToEnd();
        }

        var end = text.LastIndexOf('\n');
        return end < 0 ? [] : text[..end].Split('\n').Select(l => long.Parse(l, System.Globalization.CultureInfo.InvariantCulture)).ToList();
    }
}
