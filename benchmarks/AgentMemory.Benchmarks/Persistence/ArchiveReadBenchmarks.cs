using AgentMemory.Persistence;
using AgentMemory.Persistence.Archive;
using BenchmarkDotNet.Attributes;
using Microsoft.Win32.SafeHandles;

namespace AgentMemory.Benchmarks.Persistence;

/// <summary>
/// Read on demand: how long does <c>TryGet</c> of a random key take in a compacted archive of 100k entries (the
/// files in the page cache)? The floor: one positioned read of 100 bytes at a random offset of a file of the same size.
/// </summary>
[MemoryDiagnoser]
public class ArchiveReadBenchmarks
{
    private const int Entries = 100_000;
    private const int Batch = 1000;
    private string[] _keys = null!;
    private int[] _order = null!;
    private string _directory = null!;
    private ArchiveStore _archive = null!;
    private SafeFileHandle _file = null!;
    private long _fileLength;
    private readonly byte[] _buffer = new byte[100];
    private int _cursor;

    [GlobalSetup]
    public void Setup()
    {
        var entries = ArchiveWorkload.Entries(Entries);
        _keys = entries.Select(e => e.Key).ToArray();
        _order = Enumerable.Range(0, Entries).ToArray();
        new Random(7).Shuffle(_order);
        _directory = ArchiveWorkload.NewDirectory();
        _archive = ArchiveStore.Open(new ArchiveOptions { Directory = Path.Combine(_directory, "archive") }, TimeProvider.System);
        foreach (var chunk in entries.Chunk(Batch))
        {
            _archive.Append(chunk);
        }

        _archive.Compact(force: true);
        var raw = Path.Combine(_directory, "raw.bin");
        File.WriteAllBytes(raw, new byte[_archive.TotalBytes]);
        _file = File.OpenHandle(raw);
        _fileLength = _archive.TotalBytes;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _archive.Dispose();
        _file.Dispose();
        ArchiveWorkload.Delete(_directory);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public long RawPositionedRead()
    {
        long sum = 0;
        for (var i = 0; i < Batch; i++)
        {
            var offset = (long)_order[(_cursor + i) % Entries] * (_fileLength - 100) / Entries;
            sum += RandomAccess.Read(_file, _buffer, offset);
        }

        _cursor = (_cursor + Batch) % Entries;
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public long ArchiveTryGet()
    {
        long sum = 0;
        var now = TimeProvider.System.GetUtcNow().UtcTicks;
        for (var i = 0; i < Batch; i++)
        {
            _archive.TryGet(_keys[_order[(_cursor + i) % Entries]], now, out var entry);
            sum += entry!.Payload.Length;
        }

        _cursor = (_cursor + Batch) % Entries;
        return sum;
    }
}
