using AgentMemory.Persistence;

namespace AgentMemory.Tiers;

// Whole-store export and import, for transfer, backup and restore.
public sealed partial class TieredMemoryStore : ISnapshotStore
{
    /// <inheritdoc />
    PersistedEntry? ISnapshotStore.ExportEntry(string key)
    {
        lock (StripeOf(key))
        {
            ThrowIfDisposed();
            return _hot.Export(key) ?? FindBelowLocked(key, out _);
        }
    }

    /// <inheritdoc />
    void ISnapshotStore.ImportEntry(PersistedEntry entry)
    {
        lock (StripeOf(entry.Key))
        {
            ThrowIfDisposed();
            var write = new PendingWrite(entry);
            _pending[entry.Key] = write;
            try
            {
                FlushKeys([entry.Key]);
            }
            catch
            {
                _pending.TryRemove(new KeyValuePair<string, PendingWrite>(entry.Key, write));
                throw;
            }

            _evicted.TryRemove(entry.Key, out _);
            var existing = _hot.Export(entry.Key);
            if (_hot.TryPeek(entry.Key, out var state, out _))
            {
                _hot.RemoveIfCurrent(entry.Key, state);
            }

            if (_archive is not null && _archive.Contains(entry.Key))
            {
                _archive.Remove(entry.Key);
            }

            _hot.EmitExternal(entry.Key, existing, entry);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Writers are held off only while buffered writes are committed, the hot tier is copied, the long-term read
    /// snapshot is fixed and the archive is read; the long-term rows then stream from that snapshot while writers run.
    /// </remarks>
    EntrySnapshot ISnapshotStore.ExportAll()
    {
        ThrowIfDisposed();
        var hot = new List<PersistedEntry>();
        var archived = new List<PersistedEntry>();
        EntrySnapshot? rows = null;
        WithAllStripes(() =>
        {
            DrainEvictions();
            FlushPending(force: true);
            var now = NowTicks();
            foreach (var (entry, state) in _hot.EnumerateLive(recordAccess: false))
            {
                hot.Add(PayloadCodec.ToPersisted(entry.Key, state, entry.LastAccessTicks, entry.AccessCount));
            }

            rows = _longTerm.OpenSnapshot(now);
            if (_archive is not null)
            {
                foreach (var key in _archive.KeysMatching(static _ => true).ToList())
                {
                    if (_archive.TryGet(key, now, out var entry) && entry is not null)
                    {
                        archived.Add(entry);
                    }
                }
            }
        });
        return new EntrySnapshot(Merge(hot, rows!, archived), rows);
    }

    /// <inheritdoc />
    /// <remarks>All of the long-term tier is replaced in one transaction; the hot tier and the archive are emptied.</remarks>
    long ISnapshotStore.ReplaceAll(IReadOnlyList<PersistedEntry> entries)
    {
        ThrowIfDisposed();
        var now = NowTicks();
        var live = entries.Where(e => !e.IsExpiredAt(now)).ToList();
        WithAllStripes(() =>
        {
            lock (_flushGate)
            {
                _longTerm.ReplaceAll(live);
                DiscardPending();
                _evicted.Clear();
                _handDownLog.Clear();
                _hot.RemoveAll();
                if (_archive is not null)
                {
                    foreach (var key in _archive.KeysMatching(static _ => true).ToList())
                    {
                        _archive.Remove(key);
                    }
                }
            }
        });
        return live.Count;
    }

    private static IEnumerable<PersistedEntry> Merge(List<PersistedEntry> hot, EntrySnapshot rows, List<PersistedEntry> archived)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in hot)
        {
            seen.Add(entry.Key);
            yield return entry;
        }

        foreach (var row in rows.Entries)
        {
            if (seen.Add(row.Key))
            {
                yield return row;
            }
        }

        foreach (var entry in archived)
        {
            if (seen.Add(entry.Key))
            {
                yield return entry;
            }
        }
    }
}
