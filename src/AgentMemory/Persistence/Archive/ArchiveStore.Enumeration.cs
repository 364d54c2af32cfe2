namespace AgentMemory.Persistence.Archive;

/// <summary>Reading every live entry, block by block, for backups and transfers.</summary>
internal sealed partial class ArchiveStore
{
    /// <summary>
    /// Reads every entry not expired at <paramref name="nowTicks"/>, decoding each block once (in disk order) rather
    /// than once per key. Lazy: the set of keys and their locations is taken when enumeration starts; an entry
    /// overwritten or removed afterwards may come back in its earlier state, and keys added afterwards do not appear.
    /// A compaction during the enumeration is harmless: keys whose block it retired are looked up again.
    /// </summary>
    /// <param name="nowTicks">The current time in UTC ticks, for the expiry check.</param>
    /// <returns>The entries, one per key, in disk order.</returns>
    /// <exception cref="MemoryStorageException">A block on disk is damaged or unreadable.</exception>
    /// <exception cref="ObjectDisposedException">The archive was disposed.</exception>
    public IEnumerable<PersistedEntry> ReadAll(long nowTicks)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Walk();

        IEnumerable<PersistedEntry> Walk()
        {
            var snapshot = Volatile.Read(ref _index).Where(pair => nowTicks < pair.Value.ExpiresTicks).ToList();
            snapshot.Sort(static (a, b) => (a.Value.Segment, a.Value.Offset, a.Value.Record).CompareTo((b.Value.Segment, b.Value.Offset, b.Value.Record)));
            var i = 0;
            while (i < snapshot.Count)
            {
                var first = snapshot[i].Value;
                var end = i;
                while (end < snapshot.Count && snapshot[end].Value.Segment == first.Segment && snapshot[end].Value.Offset == first.Offset)
                {
                    end++;
                }

                var records = ReadBlockIfPresent(first);
                for (; i < end; i++)
                {
                    var (key, location) = snapshot[i];
                    if (records is null)
                    {
                        if (TryGet(key, nowTicks, out var current))
                        {
                            yield return current!;
                        }

                        continue;
                    }

                    var entry = records[location.Record];
                    if (entry is null || !string.Equals(entry.Key, key, StringComparison.Ordinal))
                    {
                        throw Damaged(Path.Combine(_directory, ArchiveSegment.FileName(first.Segment)), first.Offset, $"record {location.Record} of the block is not the entry for '{key}'", key: key);
                    }

                    yield return entry;
                }
            }
        }
    }

    /// <summary>Decodes the block at <paramref name="location"/>; null when a compaction has retired its segment.</summary>
    private PersistedEntry?[]? ReadBlockIfPresent(ArchiveLocation location)
    {
        _gate.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _segments.TryGetValue(location.Segment, out var segment) ? ReadAllRecords(segment, location) : null;
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }
}
