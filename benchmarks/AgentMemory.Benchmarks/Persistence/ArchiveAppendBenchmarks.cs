using AgentMemory.Persistence;
using AgentMemory.Persistence.Archive;
using BenchmarkDotNet.Attributes;

namespace AgentMemory.Benchmarks.Persistence;

/// <summary>
/// Durable batched writes: how long does archiving one entry take when 1,000 go in one <c>Append</c> (one block,
/// one fsync)? The floor: MessagePack-encoding the same records and appending them to a plain file with one fsync.
/// </summary>
[MemoryDiagnoser]
public class ArchiveAppendBenchmarks
{
    private const int Batch = 1000;
    private PersistedEntry[] _entries = null!;
    private string _directory = null!;
    private ArchiveStore _archive = null!;
    private FileStream _file = null!;

    [GlobalSetup]
    public void Setup()
    {
        _entries = ArchiveWorkload.Entries(Batch);
        _directory = ArchiveWorkload.NewDirectory();
        _archive = ArchiveStore.Open(new ArchiveOptions { Directory = Path.Combine(_directory, "archive") }, TimeProvider.System);
        _file = new FileStream(Path.Combine(_directory, "raw.bin"), FileMode.Create, FileAccess.Write, FileShare.None, 1);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _archive.Dispose();
        _file.Dispose();
        ArchiveWorkload.Delete(_directory);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public long RawFileAppendWithFsync()
    {
        _file.Write(ArchiveWorkload.Encode(_entries));
        _file.Flush(flushToDisk: true);
        return _file.Length;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public long ArchiveAppend()
    {
        _archive.Append(_entries);
        return _archive.TotalBytes;
    }
}
