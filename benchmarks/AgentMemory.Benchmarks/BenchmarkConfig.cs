using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Perfolizer.Horology;

namespace AgentMemory.Benchmarks;

/// <summary>
/// The suite's configuration: BenchmarkDotNet's defaults (console logger, markdown/HTML/CSV exporters, the usual
/// columns) plus an operations-per-second column and, unless the command line names a job, the suite's job: sized
/// so the whole suite finishes in minutes on two cores.
/// </summary>
public static class BenchmarkConfig
{
    /// <param name="args">The command line; when it names a job (<c>--job short</c>, <c>-j dry</c>) that job runs instead.</param>
    public static IConfig Create(IReadOnlyList<string> args)
    {
        var config = DefaultConfig.Instance.AddColumn(StatisticColumn.OperationsPerSecond);

        // BenchmarkDotNet lets a default job in the global config win over --job, so add ours only without one.
        // Other options (--iterationCount, --warmupCount, ...) still apply on top of it.
        return NamesJob(args) ? config : config.AddJob(Job.Default
            .WithId("Suite")
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(10)
            .WithIterationTime(TimeInterval.FromMilliseconds(250))
            .AsDefault());
    }

    private static bool NamesJob(IReadOnlyList<string> args) =>
        args.Any(arg => arg is "-j" or "--job" || arg.StartsWith("--job=", StringComparison.Ordinal));
}
