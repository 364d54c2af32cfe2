using AgentMemory.Persistence.Archive;
using BenchmarkDotNet.Attributes;

namespace AgentMemory.Benchmarks.Persistence;

/// <summary>
/// Restart: how long does opening an archive of 100k entries (rebuilding its index from the segments) take? The
/// floor: reading every segment file's bytes.
/// </summary>
[MemoryDiagnoser]
public class ArchiveOpenBenchmarks
{
    private const int Entries = 100_000;
    private string _directory = null!;
    private ArchiveOptions _options = null!;

    [GlobalSetup]
    public void Setup()
    {
        _directory = ArchiveWorkload.NewDirectory();
        _options = new ArchiveOptions { Directory = Path.Combine(_directory, "archive") };
        using var archive = ArchiveStore.Open(_options, TimeProvider.System);
        foreach (var chunk in ArchiveWorkload.Entries(Entries).Chunk(1000))
        {
            archive.Append(chunk);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => ArchiveWorkload.Delete(_directory);

    [Benchmark(Baseline = true)]
    public long ReadSegmentFiles() => Directory.GetFiles(_options.Directory, "segment-*.arc").Sum(path => (long)File.ReadAllBytes(path).Length);

    [Benchmark]
    public long ArchiveOpen()
    {
        using var archive = ArchiveStore.Open(_options, TimeProvider.System);
        return archive.Count;
    }
}
