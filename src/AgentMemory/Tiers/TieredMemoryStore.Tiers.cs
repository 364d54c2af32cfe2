using AgentMemory.Persistence;
using AgentMemory.Persistence.Sqlite;
using AgentMemory.Storage;

namespace AgentMemory.Tiers;

// Moving entries between tiers: the read-through lookup with promotion, persisting a key after a hot write, the
// hand-down of evicted entries, and the write buffer.
public sealed partial class TieredMemoryStore
{
    /// <summary>
    /// Makes sure a live entry for <paramref name="key"/> is in the hot tier if any tier holds one, promoting it from
    /// below. Caller holds the key's stripe.
    /// </summary>
    /// <returns>True when the hot tier now holds the key.</returns>
    private bool EnsureHotLocked(string key, bool countAccess)
    {
        if (_hot.TryPeek(key, out _, out _))
        {
            return true;
        }

        var below = FindBelowLocked(key, out var fromArchive);
        if (below is null)
        {
            return false;
        }

        if (fromArchive)
        {
            // An archive hit comes back to the long-term tier first, durably, then leaves the archive.
            _longTerm.Upsert(below);
            _archive!.Remove(key);
        }

        if (countAccess)
        {
            below = below with { AccessCount = below.AccessCount + 1, LastAccessTicks = NowTicks() };
        }

        try
        {
            if (_hot.Install(below))
            {
                Interlocked.Increment(ref _promotions);
            }
        }
        catch (MemoryCapacityException)
        {
            // Larger than the hot tier's whole budget: serve it from below without promoting.
            return false;
        }

        return _hot.TryPeek(key, out _, out _);
    }

    /// <summary>The live entry for a key in the tiers below the hot one (hand-downs in flight, buffered writes, long-term, archive). Caller holds the key's stripe.</summary>
    private PersistedEntry? FindBelowLocked(string key, out bool fromArchive)
    {
        fromArchive = false;
        var now = NowTicks();
        if (_evicted.TryGetValue(key, out var evicted))
        {
            return evicted.IsExpiredAt(now) ? null : PayloadCodec.ToPersisted(key, evicted, 0, 0);
        }

        if (_pending.TryGetValue(key, out var pending))
        {
            return pending.Entry is { } entry && !entry.IsExpiredAt(now) ? entry : null;
        }

        if (_longTerm.Get(key, now) is { } row)
        {
            return row;
        }

        if (_archive is not null && _archive.TryGet(key, now, out var archived) && archived is not null)
        {
            fromArchive = true;
            return archived;
        }

        return null;
    }

    /// <summary>
    /// Brings the tiers below in line with the hot tier's current version of <paramref name="key"/> (written or
    /// deleted), as the durability mode says. On failure restores the hot tier to <paramref name="before"/> and throws.
    /// Caller holds the key's stripe.
    /// </summary>
    private void PersistLocked(string key, PersistedEntry? before)
    {
        var current = CurrentAfterOperation(key);
        try
        {
            if (_archive is not null && _archive.Contains(key))
            {
                _archive.Remove(key);
            }

            switch (_options.Durability)
            {
                case DurabilityMode.WriteThrough:
                    // Committed directly: in this mode nothing else buffers writes for a key whose stripe is held.
                    lock (_flushGate)
                    {
                        _longTerm.Apply([current is null ? LongTermWrite.Delete(key) : LongTermWrite.Upsert(current)]);
                    }

                    break;

                case DurabilityMode.WriteBehind:
                    _pending[key] = current is null ? PendingWrite.Delete : new PendingWrite(current);
                    break;

                default:
                    // The hot tier holds the only copy now, so anything below is stale; unless the operation's own
                    // write was evicted at once, in which case it is handed down.
                    _pending[key] = current is not null && !_hot.TryPeek(key, out _, out _) ? new PendingWrite(current) : PendingWrite.Delete;
                    if (_pending[key].Entry is not null)
                    {
                        Interlocked.Increment(ref _demotions);
                    }

                    break;
            }
        }
        catch
        {
            Restore(key, before);
            throw;
        }

        // ConcurrentDictionary.Count takes every lock of the table: look only every 64th write.
        if (_options.Durability != DurabilityMode.WriteThrough && (Interlocked.Increment(ref _writesSinceCountCheck) & 63) == 0 && _pending.Count >= _options.WriteBehindBatchSize)
        {
            FlushPending(force: false);
        }
    }

    /// <summary>
    /// The key's version after a hot-tier operation: the hot tier's, or the one the hot tier evicted during the
    /// operation (the operation's own write can be the eviction victim). Callers took any earlier hand-down of the key
    /// out of <see cref="_evicted"/> before the operation, so what is there now came from it. Caller holds the key's stripe.
    /// </summary>
    private PersistedEntry? CurrentAfterOperation(string key)
    {
        if (_hot.Export(key) is { } current)
        {
            _evicted.TryRemove(key, out _);
            return current;
        }

        return _evicted.TryRemove(key, out var evicted) && !evicted.IsExpiredAt(NowTicks()) ? PayloadCodec.ToPersisted(key, evicted, 0, 0) : null;
    }

    /// <summary>
    /// Takes an earlier hand-down of the key out of <see cref="_evicted"/> before an operation and returns the key's
    /// version as the operation will find it, for rollback. Caller holds the key's stripe.
    /// </summary>
    private PersistedEntry? BeginOperation(string key, out EntryState? handedDown)
    {
        _evicted.TryRemove(key, out handedDown);
        return _hot.Export(key) ?? (handedDown is null ? null : PayloadCodec.ToPersisted(key, handedDown, 0, 0));
    }

    /// <summary>Puts an earlier hand-down back after an operation failed without changing anything. Caller holds the key's stripe.</summary>
    private void AbortOperation(string key, EntryState? handedDown)
    {
        if (handedDown is not null && !_hot.TryPeek(key, out _, out _))
        {
            _evicted.TryAdd(key, handedDown);
        }
    }

    /// <summary>Puts the hot tier's entry for a key back to an earlier version after a failed persist. Caller holds the key's stripe.</summary>
    private void Restore(string key, PersistedEntry? before)
    {
        var failed = _hot.Export(key);
        if (_hot.TryPeek(key, out var state, out _))
        {
            _hot.RemoveIfCurrent(key, state);
        }

        if (before is not null)
        {
            _hot.Install(before);
        }

        // The failed write may already have been published; publish its undoing too.
        _hot.EmitExternal(key, failed, before);
    }

    private int _writesSinceCountCheck;

    /// <summary>How many access-statistics updates are written in one transaction.</summary>
    private const int AccessUpdateBatch = 1024;

    /// <summary>The eviction hook: runs under the hot tier's stripe lock for the evicted key.</summary>
    private void OnEvicting(MemoryEntry entry, EntryState state)
    {
        // Recorded in every mode: the write that caused the eviction may be of this very key and must persist it.
        _evicted[entry.Key] = state;
        if (_options.Durability != DurabilityMode.None)
        {
            Interlocked.Increment(ref _demotions);
        }

        if (_options.Durability != DurabilityMode.None && entry.AccessCount > 0)
        {
            _accessUpdates.Enqueue((entry.Key, entry.AccessCount, Math.Max(entry.LastAccessTicks, NowTicks())));
        }
    }

    /// <summary>Hands evicted entries down to the long-term tier (mode <see cref="DurabilityMode.None"/>) and writes a batch of access statistics of evicted entries once enough are queued (or any queued, with <paramref name="flushAccessStatistics"/>).</summary>
    private void DrainEvictions(bool flushAccessStatistics = false)
    {
        if (!_evicted.IsEmpty)
        {
            foreach (var (key, state) in _evicted)
            {
                lock (StripeOf(key))
                {
                    if (!_evicted.TryGetValue(key, out var current) || !ReferenceEquals(current, state))
                    {
                        continue;
                    }

                    // In the durable modes the entry is already committed or buffered below; only mode None hands it down.
                    if (_options.Durability == DurabilityMode.None && !_hot.TryPeek(key, out _, out _) && !state.IsExpiredAt(NowTicks()))
                    {
                        _pending[key] = new PendingWrite(PayloadCodec.ToPersisted(key, state, 0, 0));
                        Interlocked.Increment(ref _demotions);
                    }

                    _evicted.TryRemove(new KeyValuePair<string, EntryState>(key, state));
                }
            }
        }

        if (_accessUpdates.Count >= AccessUpdateBatch || (flushAccessStatistics && !_accessUpdates.IsEmpty))
        {
            var updates = new List<(string, long, long)>();
            while (updates.Count < 10_000 && _accessUpdates.TryDequeue(out var update))
            {
                updates.Add(update);
            }

            try
            {
                _longTerm.UpdateAccess(updates);
            }
            catch (MemoryStorageException ex)
            {
                TierLog.AccessUpdateFailed(_logger, ex, updates.Count);
            }
        }
    }

    /// <summary>Commits the buffered writes of the given keys in one transaction, each only if it is still the newest for its key.</summary>
    private void FlushKeys(IReadOnlyCollection<string> keys)
    {
        lock (_flushGate)
        {
            var batch = new List<(string Key, PendingWrite Write)>(keys.Count);
            foreach (var key in keys)
            {
                if (_pending.TryGetValue(key, out var write))
                {
                    batch.Add((key, write));
                }
            }

            Commit(batch);
        }
    }

    /// <summary>Commits buffered writes in batches: all of them when <paramref name="force"/>, else what is buffered now.</summary>
    /// <exception cref="MemoryStorageException">The long-term tier failed; the writes stay buffered.</exception>
    private void FlushPending(bool force)
    {
        if (_pending.IsEmpty)
        {
            return;
        }

        if (!force && !Monitor.TryEnter(_flushGate))
        {
            return;
        }

        if (force)
        {
            Monitor.Enter(_flushGate);
        }

        try
        {
            var batch = new List<(string Key, PendingWrite Write)>();
            foreach (var (key, write) in _pending)
            {
                batch.Add((key, write));
                if (batch.Count >= Math.Max(_options.WriteBehindBatchSize, 1_000))
                {
                    Commit(batch);
                    batch.Clear();
                }
            }

            Commit(batch);
        }
        finally
        {
            Monitor.Exit(_flushGate);
        }
    }

    /// <summary>Writes a batch and then drops each buffered write that was not replaced meanwhile. Caller holds the flush gate.</summary>
    private void Commit(List<(string Key, PendingWrite Write)> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var writes = new List<LongTermWrite>(batch.Count);
        foreach (var (key, write) in batch)
        {
            writes.Add(write.Entry is { } entry ? LongTermWrite.Upsert(entry) : LongTermWrite.Delete(key));
        }

        _longTerm.Apply(writes);
        foreach (var (key, write) in batch)
        {
            _pending.TryRemove(new KeyValuePair<string, PendingWrite>(key, write));
        }
    }

    private void OnFlushTimer()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            DrainEvictions();
            FlushPending(force: false);
        }
        catch (Exception ex) when (ex is MemoryStorageException or ObjectDisposedException)
        {
            TierLog.FlushFailed(_logger, ex, _pending.Count);
        }
    }

    private void OnSweepTimer()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            DrainEvictions(flushAccessStatistics: true);
            var now = NowTicks();
            _longTerm.RemoveExpired(now, _options.MaxExpirationsPerScan);
            _archive?.RemoveExpired(now);
        }
        catch (Exception ex) when (ex is MemoryStorageException or ObjectDisposedException)
        {
            TierLog.SweepFailed(_logger, ex);
        }
    }
}
