using AgentMemory.Persistence;
using AgentMemory.Persistence.Archive;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.Persistence.Archive;

/// <summary>An <see cref="ArchiveStore"/> in a temporary directory on a fake clock, which can be closed and reopened.</summary>
internal sealed class ArchiveHarness : IDisposable
{
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _directory = new();

    public ArchiveHarness(Action<ArchiveOptions>? configure = null)
    {
        Options = new ArchiveOptions { Directory = _directory.File("archive") };
        configure?.Invoke(Options);
        Store = ArchiveStore.Open(Options, Time);
    }

    public ArchiveOptions Options { get; }

    public FakeTimeProvider Time { get; } = new(Epoch);

    public ArchiveStore Store { get; private set; }

    public long Now => Time.GetUtcNow().UtcTicks;

    public string Directory => Options.Directory;

    /// <summary>The segment files, in order.</summary>
    public string[] Segments => System.IO.Directory.GetFiles(Directory, "segment-*.arc").Order(StringComparer.Ordinal).ToArray();

    /// <summary>Closes the archive and opens it again from disk.</summary>
    public void Reopen()
    {
        Store.Dispose();
        Store = ArchiveStore.Open(Options, Time);
    }

    /// <summary>Closes the archive so its files can be edited.</summary>
    public void Close() => Store.Dispose();

    /// <summary>Opens the archive after <see cref="Close"/>.</summary>
    public void Open() => Store = ArchiveStore.Open(Options, Time);

    public PersistedEntry? Get(string key) => Store.TryGet(key, Now, out var entry) ? entry : null;

    public string Describe(string key) => PersistedEntries.Describe(Get(key));

    public void Dispose()
    {
        Store.Dispose();
        _directory.Dispose();
    }
}
