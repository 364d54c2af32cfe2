using System.Collections.Concurrent;

namespace AgentMemory.Persistence.Archive;

/// <summary>
/// The archive tier: <see cref="PersistedEntry"/> records in compressed, append-only segment files in one directory,
/// with an in-memory index from key to the block that holds the key's latest record. Reads fetch and decode that
/// block from disk on demand; nothing but the index is cached.
/// </summary>
/// <remarks>
/// <para>
/// Thread-safe. Writers (<see cref="Append"/>, <see cref="Remove"/>, <see cref="RemoveExpired"/>,
/// <see cref="Compact"/>) take one lock and run one at a time; readers (<see cref="TryGet"/>, <see cref="ReadAll"/>,
/// <see cref="Keys"/>, <see cref="KeysMatching"/>) run concurrently with each other and with appends. Only the short
/// moment in which a compaction swaps in its new segments excludes readers. Compaction is never automatic: the owner
/// calls <see cref="Compact"/> (for example from a maintenance timer), which checks the garbage ratio itself.
/// </para>
/// <para>
/// Durability: every write is fsynced before it returns, and the index changes only after that, so a write that
/// returned survives a crash. A write torn by a crash is cut off when the archive is next opened; damage anywhere
/// else fails <see cref="Open"/> with a <see cref="MemoryStorageException"/> naming the file and offset.
/// One directory belongs to one open archive; a second <see cref="Open"/> of it fails while the first is open.
/// </para>
/// </remarks>
internal sealed partial class ArchiveStore : IDisposable
{
    /// <summary>The name of the lock file that keeps a second archive from opening the same directory.</summary>
    internal const string LockFileName = "archive.lock";

    /// <summary>
    /// A compaction block is cut once its records' payloads reach this many bytes. A read decodes a whole block, so
    /// this bounds the work of a read of a compacted record while leaving LZ4 enough data to compress well.
    /// </summary>
    private const int CompactionBlockBytes = 16 * 1024;

    /// <summary>A compaction or tombstone block is cut at this many records.</summary>
    private const int MaxRecordsPerBlock = 4096;

    private readonly string _directory;
    private readonly long _maxSegmentBytes;
    private readonly double _garbageRatio;
    private readonly IArchiveBlockTransform? _transform;
    private readonly TimeProvider _time;
    private readonly FileStream _lockFile;
    private readonly Lock _writeLock = new();
    private readonly ReaderWriterLockSlim _gate = new(LockRecursionPolicy.NoRecursion);
    private readonly List<string> _pendingDeletes = [];

    private ConcurrentDictionary<string, ArchiveLocation> _index = new(StringComparer.Ordinal);
    private ConcurrentDictionary<int, ArchiveSegment> _segments = new();
    private ArchiveSegment _active = null!;
    private long _liveBytes;
    private long _totalBytes;
    private string? _faulted;
    private bool _disposed;

    private ArchiveStore(ArchiveOptions options, string directory, TimeProvider time, FileStream lockFile)
    {
        _directory = directory;
        _maxSegmentBytes = options.MaxSegmentBytes;
        _garbageRatio = options.CompactionGarbageRatio;
        _transform = options.BlockTransform is IdentityBlockTransform ? null : options.BlockTransform;
        _time = time;
        _lockFile = lockFile;
    }

    /// <summary>The full path of the archive's directory.</summary>
    public string Directory => _directory;

    /// <summary>
    /// The keys with a record in the archive that has not expired at the <see cref="TimeProvider"/>'s current time:
    /// a snapshot, in no particular order.
    /// </summary>
    public IReadOnlyCollection<string> Keys => KeysMatching(static _ => true).ToList();

    /// <summary>
    /// How many keys the index holds, counting entries that have expired but were not yet dropped by
    /// <see cref="RemoveExpired"/> (or by a reopen, which drops them).
    /// </summary>
    public long Count => Volatile.Read(ref _index).Count;

    /// <summary>The bytes on disk the live records take: each record's share of its compressed block.</summary>
    public long LiveBytes => Interlocked.Read(ref _liveBytes);

    /// <summary>The bytes of all segment files together, headers, garbage and tombstones included.</summary>
    public long TotalBytes => Interlocked.Read(ref _totalBytes);

    /// <summary>The number of segment files.</summary>
    public int SegmentCount => Volatile.Read(ref _segments).Count;

    /// <summary>
    /// The share of the segments' bytes (headers left out) that is garbage: overwritten or removed records and
    /// tombstones. Expired records count as live until <see cref="RemoveExpired"/> drops them.
    /// </summary>
    public double GarbageRatio
    {
        get
        {
            var headers = (long)SegmentCount * ArchiveFormat.HeaderSize;
            var data = TotalBytes - headers;
            return data <= 0 ? 0 : Math.Clamp((double)(data - LiveBytes) / data, 0, 1);
        }
    }

    /// <summary>
    /// Writes <paramref name="entries"/> as one block and makes them the keys' current records; fsyncs before it
    /// returns. A key that occurs twice in the batch keeps its last occurrence. An empty batch writes nothing.
    /// </summary>
    /// <param name="entries">The entries to archive.</param>
    /// <exception cref="ArgumentNullException"><paramref name="entries"/> or one of them is null.</exception>
    /// <exception cref="ArgumentException">An entry has an empty key or a null payload.</exception>
    /// <exception cref="MemoryStorageException">The write failed; nothing of the batch is visible.</exception>
    /// <exception cref="ObjectDisposedException">The archive was disposed.</exception>
    public void Append(IReadOnlyList<PersistedEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        for (var i = 0; i < entries.Count; i++)
        {
            ArchiveRecordCodec.CheckEntry(entries[i], nameof(entries));
        }

        if (entries.Count == 0)
        {
            return;
        }

        lock (_writeLock)
        {
            ThrowIfUnwritable();
            var block = EncodeBlock(entries.Count, i => (entries[i].Key, entries[i]), out var shares);
            var position = WriteBlock(ref _active, block, _segments);
            for (var i = 0; i < entries.Count; i++)
            {
                var entry = entries[i];
                Index(_index, entry.Key, new ArchiveLocation(position.Segment, position.Offset, block.Length, i, entry.ExpiresTicks, shares[i]));
            }
        }
    }

    /// <summary>
    /// Reads the current record of <paramref name="key"/> from disk. False when the archive holds none, or when it
    /// has expired at <paramref name="nowTicks"/>.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="nowTicks">The current time in UTC ticks, for the expiry check.</param>
    /// <param name="entry">The entry, when found.</param>
    /// <returns>True when a live entry was found.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="MemoryStorageException">The block on disk is damaged or unreadable.</exception>
    /// <exception cref="ObjectDisposedException">The archive was disposed.</exception>
    public bool TryGet(string key, long nowTicks, out PersistedEntry? entry)
    {
        ArgumentNullException.ThrowIfNull(key);
        _gate.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_index.TryGetValue(key, out var location) || nowTicks >= location.ExpiresTicks)
            {
                entry = null;
                return false;
            }

            entry = ReadRecord(_segments[location.Segment], location, key);
            return true;
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    /// <summary>
    /// Removes <paramref name="key"/>: appends a tombstone (fsynced) when the archive holds a record for it, expired
    /// or not.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <returns>True when a record was removed; false when the archive held none.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="MemoryStorageException">The tombstone could not be written; the key stays.</exception>
    /// <exception cref="ObjectDisposedException">The archive was disposed.</exception>
    public bool Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_writeLock)
        {
            ThrowIfUnwritable();
            if (!_index.ContainsKey(key))
            {
                return false;
            }

            WriteTombstones([key]);
            return true;
        }
    }

    /// <summary>
    /// The keys, among those not expired at the <see cref="TimeProvider"/>'s current time, that
    /// <paramref name="predicate"/> accepts. Lazy: the index is walked while the result is enumerated, and keys
    /// written meanwhile may or may not appear.
    /// </summary>
    /// <param name="predicate">The filter.</param>
    /// <returns>The matching keys, in no particular order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="predicate"/> is null.</exception>
    public IEnumerable<string> KeysMatching(Func<string, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return Walk(Volatile.Read(ref _index), _time.GetUtcNow().UtcTicks, predicate);

        static IEnumerable<string> Walk(ConcurrentDictionary<string, ArchiveLocation> index, long now, Func<string, bool> predicate)
        {
            foreach (var (key, location) in index)
            {
                if (now < location.ExpiresTicks && predicate(key))
                {
                    yield return key;
                }
            }
        }
    }

    /// <summary>Removes every entry expired at <paramref name="nowTicks"/>, writing tombstones for them.</summary>
    /// <param name="nowTicks">The current time in UTC ticks.</param>
    /// <returns>How many entries were removed.</returns>
    /// <exception cref="MemoryStorageException">The tombstones could not be written; the entries stay.</exception>
    /// <exception cref="ObjectDisposedException">The archive was disposed.</exception>
    public int RemoveExpired(long nowTicks)
    {
        lock (_writeLock)
        {
            ThrowIfUnwritable();
            var expired = new List<string>();
            foreach (var (key, location) in _index)
            {
                if (nowTicks >= location.ExpiresTicks)
                {
                    expired.Add(key);
                }
            }

            for (var start = 0; start < expired.Count; start += MaxRecordsPerBlock)
            {
                WriteTombstones(expired.GetRange(start, Math.Min(MaxRecordsPerBlock, expired.Count - start)));
            }

            return expired.Count;
        }
    }

    /// <summary>Closes the segment files and releases the directory. Idempotent.</summary>
    public void Dispose()
    {
        lock (_writeLock)
        {
            if (_disposed)
            {
                return;
            }

            _gate.EnterWriteLock();
            try
            {
                _disposed = true;
                foreach (var segment in _segments.Values)
                {
                    segment.Dispose();
                }

                RetryPendingDeletes();
                _lockFile.Dispose();
            }
            finally
            {
                _gate.ExitWriteLock();
            }
        }
    }

    /// <summary>
    /// A record's share of its block's bytes on disk, in proportion to the raw bytes from <paramref name="start"/> to
    /// <paramref name="end"/>. The first record's range starts at 0 and the last one's ends at the raw length, so the
    /// shares of a block's records add up to exactly its length.
    /// </summary>
    private static long Share(int blockLength, long start, long end, long rawLength) =>
        rawLength == 0 ? 0 : (blockLength * end / rawLength) - (blockLength * start / rawLength);

    /// <summary>Points <paramref name="key"/> at <paramref name="location"/>, keeping the live byte count.</summary>
    private void Index(ConcurrentDictionary<string, ArchiveLocation> index, string key, ArchiveLocation location)
    {
        if (index.TryGetValue(key, out var old))
        {
            Interlocked.Add(ref _liveBytes, -old.Bytes);
        }

        index[key] = location;
        Interlocked.Add(ref _liveBytes, location.Bytes);
    }

    /// <summary>Writes one block of tombstones for <paramref name="keys"/> and drops them from the index.</summary>
    private void WriteTombstones(IReadOnlyList<string> keys)
    {
        var block = EncodeBlock(keys.Count, i => (keys[i], null), out _);
        WriteBlock(ref _active, block, _segments);
        foreach (var key in keys)
        {
            if (_index.TryRemove(key, out var old))
            {
                Interlocked.Add(ref _liveBytes, -old.Bytes);
            }
        }
    }

    private void ThrowIfUnwritable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_faulted is not null)
        {
            throw new MemoryStorageException(_faulted);
        }
    }
}
