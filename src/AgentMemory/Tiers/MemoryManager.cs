using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using AgentMemory.Persistence;
using AgentMemory.Persistence.Backup;
using AgentMemory.Storage;

namespace AgentMemory.Tiers;

/// <summary>
/// The default <see cref="IMemoryManager"/>: named memories that are <see cref="TieredMemoryStore"/>s on their own
/// SQLite file under <see cref="MemoryManagerOptions.RootDirectory"/> (or <see cref="InMemoryStore"/>s when not
/// persistent), key transfer between them, and verified backups.
/// </summary>
/// <remarks>All members are thread-safe. Dispose the manager to flush and close every memory it opened.</remarks>
public sealed partial class MemoryManager : IMemoryManager, IAsyncDisposable, IDisposable
{
    private readonly ConcurrentDictionary<string, IMemoryStore> _memories = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private readonly string? _root;
    private readonly string? _backupRoot;
    private readonly TimeProvider _time;
    private bool _disposed;

    /// <summary>Creates a manager.</summary>
    /// <param name="options">Root and backup directories, copied now; null for in-process memories only.</param>
    /// <param name="timeProvider">The clock of every memory it creates; null for <see cref="TimeProvider.System"/>.</param>
    public MemoryManager(MemoryManagerOptions? options = null, TimeProvider? timeProvider = null)
    {
        _root = options?.RootDirectory is { } root ? Path.GetFullPath(root) : null;
        _backupRoot = options?.BackupRoot is { } backups ? Path.GetFullPath(backups) : null;
        _time = timeProvider ?? TimeProvider.System;
        if (_root is not null)
        {
            Directory.CreateDirectory(_root);
        }
    }

    /// <inheritdoc />
    public ValueTask<IMemoryStore> CreateMemoryAsync(string name, NamedMemoryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidateName(name);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_memories.ContainsKey(name) || (_root is not null && File.Exists(DatabasePath(name))))
            {
                throw new ArgumentException($"A memory named '{name}' already exists.", nameof(name));
            }

            options ??= new NamedMemoryOptions();
            var store = OpenStore(name, options);
            if (store is TieredMemoryStore)
            {
                // Kept beside the database so that reopening the memory after a restart uses the same options.
                NamedMemoryOptionsFile.Write(OptionsPath(name), options);
            }

            _memories[name] = store;
            return new(store);
        }
    }

    /// <inheritdoc />
    public ValueTask<IMemoryStore?> GetMemoryAsync(string name, CancellationToken cancellationToken = default)
    {
        ValidateName(name);
        cancellationToken.ThrowIfCancellationRequested();
        return new(Find(name));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> ListMemoriesAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var names = new SortedSet<string>(_memories.Keys, StringComparer.Ordinal);
        if (_root is not null)
        {
            foreach (var file in Directory.EnumerateFiles(_root, "*.db"))
            {
                var name = Path.GetFileNameWithoutExtension(file);
                if (NamePattern().IsMatch(name))
                {
                    names.Add(name);
                }
            }
        }

        return new(names.ToList());
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteMemoryAsync(string name, CancellationToken cancellationToken = default)
    {
        ValidateName(name);
        cancellationToken.ThrowIfCancellationRequested();
        IMemoryStore? store;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _memories.TryRemove(name, out store);
        }

        var existed = store is not null;
        if (store is not null)
        {
            await CloseAsync(store).ConfigureAwait(false);
        }

        if (_root is not null)
        {
            foreach (var suffix in new[] { ".db", ".db-wal", ".db-shm", NamedMemoryOptionsFile.Suffix })
            {
                var file = Path.Combine(_root, name + suffix);
                if (File.Exists(file))
                {
                    existed = true;
                    File.Delete(file);
                }
            }
        }

        return existed;
    }

    /// <inheritdoc />
    public async ValueTask<long> TransferAsync(string source, string target, IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        ValidateName(source);
        ValidateName(target);
        ArgumentNullException.ThrowIfNull(keys);
        if (string.Equals(source, target, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The source and target are both '{source}'; a transfer needs two memories.", nameof(target));
        }

        var list = keys.ToList();
        foreach (var key in list)
        {
            KeyRules.ValidateForRead(key, nameof(keys));
        }

        var from = Require(source, nameof(source));
        var to = Require(target, nameof(target));
        long moved = 0;
        foreach (var key in list.Distinct(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (from.ExportEntry(key) is not { } entry)
            {
                continue;
            }

            to.ImportEntry(entry);
            await ((IMemoryStore)from).DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
            moved++;
        }

        return moved;
    }

    /// <inheritdoc />
    public ValueTask<MemoryBackupInfo> BackupAsync(string name, string path, CancellationToken cancellationToken = default)
    {
        ValidateName(name);
        var full = ResolveBackupPath(path);
        cancellationToken.ThrowIfCancellationRequested();
        var store = Require(name, nameof(name));
        var created = _time.GetUtcNow();
        var temporary = full + ".partial";
        var directory = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        long count;
        try
        {
            using (var snapshot = store.ExportAll())
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                count = BackupFormat.Write(stream, name, created.UtcTicks, snapshot.Entries);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch (IOException ex)
        {
            TryDelete(temporary);
            throw new MemoryStorageException($"Backing up memory '{name}' to '{full}' failed: {ex.Message}", ex);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }

        return new(new MemoryBackupInfo(name, full, count, new FileInfo(full).Length, created));
    }

    /// <inheritdoc />
    public async ValueTask<MemoryBackupInfo> RestoreAsync(string name, string path, CancellationToken cancellationToken = default)
    {
        ValidateName(name);
        var full = ResolveBackupPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"The backup file '{full}' does not exist.", full);
        }

        cancellationToken.ThrowIfCancellationRequested();
        List<PersistedEntry> entries;
        long created;
        using (var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read))
        using (var reader = BackupFormat.Open(stream))
        {
            entries = reader.ReadEntries().ToList();
            created = reader.CreatedTicks;
        }

        var store = Find(name) is { } existing ? (ISnapshotStore)existing : (ISnapshotStore)await CreateMemoryAsync(name, null, cancellationToken).ConfigureAwait(false);
        var kept = store.ReplaceAll(entries);
        return new MemoryBackupInfo(name, full, kept, new FileInfo(full).Length, new DateTimeOffset(created, TimeSpan.Zero));
    }

    /// <summary>Flushes and closes every memory the manager opened.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc cref="Dispose"/>
    public async ValueTask DisposeAsync()
    {
        List<IMemoryStore> stores;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            stores = [.. _memories.Values];
            _memories.Clear();
        }

        foreach (var store in stores)
        {
            await CloseAsync(store).ConfigureAwait(false);
        }
    }

    private IMemoryStore? Find(string name)
    {
        if (_memories.TryGetValue(name, out var store))
        {
            return store;
        }

        if (_root is null || !File.Exists(DatabasePath(name)))
        {
            return null;
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_memories.TryGetValue(name, out store))
            {
                store = OpenStore(name, NamedMemoryOptionsFile.Read(OptionsPath(name)) ?? new NamedMemoryOptions());
                _memories[name] = store;
            }

            return store;
        }
    }

    private ISnapshotStore Require(string name, string paramName) =>
        (ISnapshotStore?)Find(name) ?? throw new ArgumentException($"There is no memory named '{name}'.", paramName);

    private IMemoryStore OpenStore(string name, NamedMemoryOptions options)
    {
        if (!Enum.IsDefined(options.Durability))
        {
            throw new ArgumentException($"The durability mode {(int)options.Durability} is not defined.", nameof(options));
        }

        var hot = new HotTierOptions { MaxEntries = options.MaxEntries, MaxBytes = options.MaxBytes };
        if (options.Persistent && _root is not null)
        {
            return TieredMemoryStore.Open(new SqlitePersistenceOptions { Path = DatabasePath(name), Durability = options.Durability }, hot, _time);
        }

        return new InMemoryStore(hot, _time);
    }

    private string DatabasePath(string name) => Path.Combine(_root!, name + ".db");

    private string OptionsPath(string name) => Path.Combine(_root!, name + NamedMemoryOptionsFile.Suffix);

    private string ResolveBackupPath(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full;
        try
        {
            full = _backupRoot is null ? Path.GetFullPath(path) : Path.GetFullPath(path, _backupRoot);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new ArgumentException($"The backup path '{path}' is not a valid path: {ex.Message}", nameof(path), ex);
        }

        if (_backupRoot is not null)
        {
            var root = Path.EndsInDirectorySeparator(_backupRoot) ? _backupRoot : _backupRoot + Path.DirectorySeparatorChar;
            if (!full.StartsWith(root, StringComparison.Ordinal))
            {
                throw new ArgumentException($"The backup path '{path}' resolves to '{full}', outside the backup root '{_backupRoot}'.", nameof(path));
            }
        }

        return full;
    }

    private static async ValueTask CloseAsync(IMemoryStore store)
    {
        switch (store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (IOException)
        {
            // Best effort: a leftover .partial file is never mistaken for a backup.
        }
    }

    private static void ValidateName(string name, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(name))] string? paramName = null)
    {
        ArgumentNullException.ThrowIfNull(name, paramName);
        if (!NamePattern().IsMatch(name))
        {
            throw new ArgumentException($"The memory name '{name}' is invalid: use 1-64 letters, digits, '-' or '_'.", paramName);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex NamePattern();
}
