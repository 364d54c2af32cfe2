using System.Collections.Concurrent;
using MessagePack;

namespace AgentMemory.Persistence.Archive;

/// <summary>Compaction: rewriting the live records into fresh segments and deleting the old ones.</summary>
internal sealed partial class ArchiveStore
{
    /// <summary>
    /// Rewrites the live records (those not expired at the <see cref="TimeProvider"/>'s current time) into fresh
    /// segments and deletes the old ones, when <see cref="GarbageRatio"/> has reached the configured
    /// <see cref="ArchiveOptions.CompactionGarbageRatio"/> or <paramref name="force"/> is set.
    /// </summary>
    /// <remarks>
    /// Crash-safe: the new segments get higher numbers than every old one and are written and fsynced in full
    /// before any old segment is deleted, oldest first. A crash at any point leaves a directory that opens to the
    /// same live set, because later segments win and a deleted key's tombstone is never deleted before the record
    /// it cancels. Appends wait while compaction runs; reads go on, except for the moment the new segments are
    /// swapped in.
    /// </remarks>
    /// <param name="force">Compact even when the garbage ratio is below the threshold.</param>
    /// <returns>True when the archive was compacted.</returns>
    /// <exception cref="MemoryStorageException">Reading an old block or writing a new one failed; the archive is unchanged.</exception>
    /// <exception cref="ObjectDisposedException">The archive was disposed.</exception>
    public bool Compact(bool force = false)
    {
        lock (_writeLock)
        {
            ThrowIfUnwritable();
            if (!RetryPendingDeletes())
            {
                throw new MemoryStorageException($"The archive cannot compact: the old segment '{_pendingDeletes[0]}' left by an earlier compaction could not be deleted, and newer segments may not be deleted before it.");
            }

            if (!force && !(GarbageRatio >= _garbageRatio && TotalBytes - LiveBytes > (long)SegmentCount * ArchiveFormat.HeaderSize))
            {
                return false;
            }

            var now = _time.GetUtcNow().UtcTicks;
            var live = _index.Where(pair => now < pair.Value.ExpiresTicks).ToList();
            live.Sort(static (a, b) => (a.Value.Segment, a.Value.Offset, a.Value.Record).CompareTo((b.Value.Segment, b.Value.Offset, b.Value.Record)));

            var segments = new ConcurrentDictionary<int, ArchiveSegment>();
            var index = new ConcurrentDictionary<string, ArchiveLocation>(StringComparer.Ordinal);
            long liveBytes;
            ArchiveSegment active;
            try
            {
                active = CreateSegment(_segments.Keys.Max() + 1);
                segments[active.Id] = active;
                liveBytes = CopyLive(live, ref active, segments, index);
            }
            catch
            {
                foreach (var segment in segments.Values)
                {
                    segment.Dispose();
                    TryDelete(segment.Path);
                }

                throw;
            }

            var old = _segments.Values.OrderBy(s => s.Id).ToList();
            _gate.EnterWriteLock();
            try
            {
                _index = index;
                _segments = segments;
                _active = active;
                Interlocked.Exchange(ref _liveBytes, liveBytes);
                Interlocked.Exchange(ref _totalBytes, segments.Values.Sum(s => s.Length));
            }
            finally
            {
                _gate.ExitWriteLock();
            }

            // Oldest first, stopping at the first failure: a tombstone must outlive the records it cancels, or a
            // crash (or an undeletable file) could bring them back on the next open.
            foreach (var segment in old)
            {
                segment.Dispose();
                _pendingDeletes.Add(segment.Path);
            }

            RetryPendingDeletes();

            return true;
        }
    }

    /// <summary>Copies the live records, block by block in disk order, into the new segment chain.</summary>
    private long CopyLive(List<KeyValuePair<string, ArchiveLocation>> live, ref ArchiveSegment active, ConcurrentDictionary<int, ArchiveSegment> segments, ConcurrentDictionary<string, ArchiveLocation> index)
    {
        long liveBytes = 0;
        var batch = new List<PersistedEntry>();
        var batchBytes = 0L;
        var i = 0;
        while (i < live.Count)
        {
            var first = live[i].Value;
            var records = ReadAllRecords(_segments[first.Segment], first);
            for (; i < live.Count && live[i].Value.Segment == first.Segment && live[i].Value.Offset == first.Offset; i++)
            {
                var entry = records[live[i].Value.Record];
                if (entry is null || !string.Equals(entry.Key, live[i].Key, StringComparison.Ordinal))
                {
                    throw Damaged(_segments[first.Segment].Path, first.Offset, $"record {live[i].Value.Record} of the block is not the entry for '{live[i].Key}'");
                }

                batch.Add(entry);
                batchBytes += entry.Payload.Length + (entry.Metadata?.Length ?? 0) + entry.Key.Length;
                if (batch.Count >= MaxRecordsPerBlock || batchBytes >= CompactionBlockBytes)
                {
                    liveBytes += WriteBatch(batch, ref active, segments, index);
                    batch.Clear();
                    batchBytes = 0;
                }
            }
        }

        if (batch.Count > 0)
        {
            liveBytes += WriteBatch(batch, ref active, segments, index);
        }

        return liveBytes;
    }

    private long WriteBatch(List<PersistedEntry> batch, ref ArchiveSegment active, ConcurrentDictionary<int, ArchiveSegment> segments, ConcurrentDictionary<string, ArchiveLocation> index)
    {
        var block = EncodeBlock(batch.Count, j => (batch[j].Key, batch[j]), out var shares);
        var (segment, offset) = WriteBlock(ref active, block, segments);
        long bytes = 0;
        for (var j = 0; j < batch.Count; j++)
        {
            index[batch[j].Key] = new ArchiveLocation(segment, offset, block.Length, j, batch[j].ExpiresTicks, shares[j]);
            bytes += shares[j];
        }

        return bytes;
    }

    /// <summary>Decodes every record of the block at <paramref name="location"/>; tombstones come back as null.</summary>
    private PersistedEntry?[] ReadAllRecords(ArchiveSegment segment, ArchiveLocation location)
    {
        using var raw = ReadBlock(segment, location.Offset, location.Length);
        try
        {
            var reader = new MessagePackReader(raw.Memory);
            var records = new PersistedEntry?[reader.ReadArrayHeader()];
            for (var i = 0; i < records.Length; i++)
            {
                records[i] = ArchiveRecordCodec.Read(ref reader, out _);
            }

            return records;
        }
        catch (Exception ex) when (ex is InvalidDataException or MessagePackSerializationException or EndOfStreamException)
        {
            throw Damaged(segment.Path, location.Offset, $"the block does not decode ({ex.Message})", ex);
        }
    }

    /// <summary>
    /// Deletes the old segment files still waiting, oldest first, stopping at the first that cannot be deleted;
    /// true when none is left.
    /// </summary>
    private bool RetryPendingDeletes()
    {
        var deleted = 0;
        while (deleted < _pendingDeletes.Count && TryDelete(_pendingDeletes[deleted]))
        {
            deleted++;
        }

        _pendingDeletes.RemoveRange(0, deleted);
        return _pendingDeletes.Count == 0;
    }
}
