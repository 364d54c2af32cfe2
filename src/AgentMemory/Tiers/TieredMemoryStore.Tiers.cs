using System.Collections.Concurrent;
using AgentMemory.Persistence;
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
    private void PersistLocked(string key, in Before before)
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
                    Buffer(key, current is null ? PendingWrite.Delete : new PendingWrite(current));
                    break;

                default:
                    // The hot tier holds the only copy now, so anything below is stale; unless the operation's own
                    // write was evicted at once, in which case it is handed down.
                    var handDown = current is not null && !_hot.TryPeek(key, out _, out _);
                    Buffer(key, handDown ? new PendingWrite(current) : PendingWrite.Delete);
                    if (handDown)
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
    }

    /// <summary>
    /// The key's version after a hot-tier operation: the hot tier's, or the one the hot tier evicted during the
    /// operation (the operation's own write can be the eviction victim). Callers took any earlier hand-down of the key
    /// out of <see cref="_evicted"/> before the operation, so what is there now came from it. Caller holds the key's stripe.
    /// </summary>
    private PersistedEntry? CurrentAfterOperation(string key) => CurrentAfterOperation(key, NowTicks());

    /// <inheritdoc cref="CurrentAfterOperation(string)"/>
    /// <param name="key">The key.</param>
    /// <param name="nowTicks">The time liveness is judged at (read once for a whole batch).</param>
    private PersistedEntry? CurrentAfterOperation(string key, long nowTicks)
    {
        if (_hot.Export(key, nowTicks) is { } current)
        {
            TakeHandDown(key);
            return current;
        }

        return TakeHandDown(key) is { } evicted && !evicted.IsExpiredAt(nowTicks) ? PayloadCodec.ToPersisted(key, evicted, 0, 0) : null;
    }

    /// <summary>
    /// Takes the key's hand-down out of <see cref="_evicted"/>, if there is one. The lock-free lookup first spares the
    /// dictionary's lock in the usual case of no hand-down; a hand-down recorded between the two calls is one the
    /// removal could as well have preceded.
    /// </summary>
    private EntryState? TakeHandDown(string key) =>
        _evicted.TryGetValue(key, out _) && _evicted.TryRemove(key, out var handedDown) ? handedDown : null;

    /// <summary>
    /// Takes an earlier hand-down of the key out of <see cref="_evicted"/> before an operation and returns the key's
    /// version as the operation will find it, for rollback. Caller holds the key's stripe.
    /// </summary>
    private Before BeginOperation(string key) => BeginOperation(key, NowTicks());

    /// <inheritdoc cref="BeginOperation(string)"/>
    /// <param name="key">The key.</param>
    /// <param name="nowTicks">The time liveness is judged at (read once for a whole batch).</param>
    private Before BeginOperation(string key, long nowTicks)
    {
        var handedDown = TakeHandDown(key);
        return _hot.TryPeek(key, nowTicks, out var state, out var entry)
            ? new Before(state, entry.LastAccessTicks, entry.AccessCount, handedDown)
            : new Before(null, 0, 0, handedDown);
    }

    /// <summary>Puts an earlier hand-down back after an operation failed without changing anything. Caller holds the key's stripe.</summary>
    private void AbortOperation(string key, in Before before)
    {
        if (before.HandedDown is { } handedDown && !_hot.TryPeek(key, out _, out _))
        {
            if (_evicted.TryAdd(key, handedDown))
            {
                _handDownLog.Enqueue((key, handedDown));
            }
        }
    }

    /// <summary>Puts the hot tier's entry for a key back to an earlier version after a failed persist. Caller holds the key's stripe.</summary>
    private void Restore(string key, in Before rollback)
    {
        var before = rollback.ToPersisted(key);
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

    /// <summary>Buffered writes in the order they were made, for group commit; an entry a later write of its key replaced in <see cref="_pending"/> is skipped.</summary>
    private readonly ConcurrentQueue<(string Key, PendingWrite Write)> _pendingLog = new();

    /// <summary>About how many entries <see cref="_pendingLog"/> holds (a flush trigger, not an exact count).</summary>
    private int _bufferedWrites;

    /// <summary>
    /// Every hand-down recorded in <see cref="_evicted"/>, in order, for the pass that hands them down. Writers test
    /// this queue (lock-free) instead of <c>_evicted.IsEmpty</c>, which takes every lock of the dictionary when it is
    /// empty, and the pass walks it instead of enumerating the dictionary, whose bucket array never shrinks after a
    /// burst of evictions (enumerating it cost a read-through ~10 us after one large batch).
    /// </summary>
    private readonly ConcurrentQueue<(string Key, EntryState State)> _handDownLog = new();

    /// <summary>How many access-statistics updates are written in one transaction.</summary>
    private const int AccessUpdateBatch = 1024;

    /// <summary>The eviction hook: runs under the hot tier's stripe lock for the evicted key.</summary>
    private void OnEvicting(MemoryEntry entry, EntryState state)
    {
        // Recorded in every mode: the write that caused the eviction may be of this very key and must persist it.
        _evicted[entry.Key] = state;
        _handDownLog.Enqueue((entry.Key, state));
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
        // Only what is queued now, so that a pass ends under a steady stream of evictions.
        for (var budget = _handDownLog.Count; budget > 0 && _handDownLog.TryDequeue(out var handDown); budget--)
        {
            var (key, state) = handDown;
            if (!_evicted.TryGetValue(key, out var queued) || !ReferenceEquals(queued, state))
            {
                // Taken over by a write or a read of the key meanwhile, or replaced by a later hand-down (queued too).
                continue;
            }

            lock (StripeOf(key))
            {
                if (!_evicted.TryGetValue(key, out var current) || !ReferenceEquals(current, state))
                {
                    continue;
                }

                // In the durable modes the entry is already committed or buffered below; only mode None hands it down.
                if (_options.Durability == DurabilityMode.None && !_hot.TryPeek(key, out _, out _) && !state.IsExpiredAt(NowTicks()))
                {
                    Buffer(key, new PendingWrite(PayloadCodec.ToPersisted(key, state, 0, 0)));
                    Interlocked.Increment(ref _demotions);
                }

                _evicted.TryRemove(new KeyValuePair<string, EntryState>(key, state));
            }
        }

        // Written on the caller's thread, not in the background: a promotion reads the row's count, so a count still
        // queued when its key is read again would be lost.
        if (_accessUpdates.Count >= AccessUpdateBatch || (flushAccessStatistics && !_accessUpdates.IsEmpty))
        {
            WriteAccessStatistics();
        }
    }

    /// <summary>Writes up to 10,000 queued access statistics in one transaction; a failure is logged, not thrown (they are bookkeeping).</summary>
    private void WriteAccessStatistics()
    {
        var updates = new List<(string, long, long)>(Math.Min(_accessUpdates.Count, 10_000));
        while (updates.Count < 10_000 && _accessUpdates.TryDequeue(out var update))
        {
            updates.Add(update);
        }

        try
        {
            _longTerm.UpdateAccess(updates);
        }
        catch (Exception ex) when (ex is MemoryStorageException or ObjectDisposedException)
        {
            TierLog.AccessUpdateFailed(_logger, ex, updates.Count);
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

    /// <summary>
    /// Buffers a write for the long-term tier: it becomes the key's newest buffered version (what reads below the hot
    /// tier find) and joins the write log that flushes commit in write order. Caller holds the key's stripe.
    /// </summary>
    private void Buffer(string key, PendingWrite write)
    {
        _pending[key] = write;
        _pendingLog.Enqueue((key, write));
        Interlocked.Increment(ref _bufferedWrites);
    }

    /// <summary>Starts a flush once a batch's worth of writes is buffered. Called with no key stripe held.</summary>
    private void MaybeFlushBatch()
    {
        if (_options.Durability != DurabilityMode.WriteThrough && Volatile.Read(ref _bufferedWrites) >= _options.WriteBehindBatchSize)
        {
            FlushPending(force: false);
        }
    }

    /// <summary>
    /// Group commit: takes the buffered writes from the write log in the order they were made, skips each one a later
    /// write of its key replaced (so a key written many times is committed once, at its newest version), and commits
    /// them in transactions of up to a batch each. Runs under the flush gate only, never under a key stripe: writers
    /// go on meanwhile, and their writes go to a later flush. With <paramref name="force"/> waits for the gate and
    /// also commits anything buffered outside the log; otherwise gives way to a flush already running.
    /// </summary>
    /// <exception cref="MemoryStorageException">The long-term tier failed; the writes stay buffered.</exception>
    private void FlushPending(bool force)
    {
        if (_pending.IsEmpty && _pendingLog.IsEmpty)
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
            var max = Math.Max(_options.WriteBehindBatchSize, 1_000);
            var batch = new List<(string Key, PendingWrite Write)>(Math.Min(max, Math.Max(Volatile.Read(ref _bufferedWrites), 16)));

            // Only what is in the log now: under a steady stream of writes a flush still ends.
            for (var budget = _pendingLog.Count; budget > 0 && _pendingLog.TryDequeue(out var logged); budget--)
            {
                Interlocked.Decrement(ref _bufferedWrites);
                if (_pending.TryGetValue(logged.Key, out var newest) && ReferenceEquals(newest, logged.Write))
                {
                    batch.Add(logged);
                    if (batch.Count >= max)
                    {
                        Commit(batch, requeueOnFailure: true);
                        batch.Clear();
                    }
                }
            }

            Commit(batch, requeueOnFailure: true);
            batch.Clear();
            if (force)
            {
                // Writes buffered without the log (a write committed at once whose commit failed) and any the log's
                // budget left behind.
                foreach (var (key, write) in _pending)
                {
                    batch.Add((key, write));
                    if (batch.Count >= max)
                    {
                        Commit(batch, requeueOnFailure: false);
                        batch.Clear();
                    }
                }

                Commit(batch, requeueOnFailure: false);
            }
        }
        finally
        {
            Monitor.Exit(_flushGate);
        }
    }

    /// <summary>
    /// Writes a batch in one transaction and then drops each buffered write that was not replaced meanwhile. When the
    /// transaction fails and <paramref name="requeueOnFailure"/>, puts the batch back into the write log (its writes
    /// stay buffered either way). Caller holds the flush gate.
    /// </summary>
    private void Commit(List<(string Key, PendingWrite Write)> batch, bool requeueOnFailure = false)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var writes = new LongTermWrite[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var (key, write) = batch[i];
            writes[i] = write.Entry is { } entry ? LongTermWrite.Upsert(entry) : LongTermWrite.Delete(key);
        }

        try
        {
            _longTerm.Apply(writes);
        }
        catch when (requeueOnFailure)
        {
            foreach (var logged in batch)
            {
                _pendingLog.Enqueue(logged);
                Interlocked.Increment(ref _bufferedWrites);
            }

            throw;
        }

        foreach (var (key, write) in batch)
        {
            _pending.TryRemove(new KeyValuePair<string, PendingWrite>(key, write));
        }
    }

    /// <summary>Forgets every buffered write (the caller is replacing or clearing what is below). Caller holds the flush gate.</summary>
    private void DiscardPending()
    {
        _pending.Clear();
        _pendingLog.Clear();
        Interlocked.Exchange(ref _bufferedWrites, 0);
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

            // Records removed, replaced, brought back or expired leave garbage in the segments; the archive compacts
            // itself once its garbage ratio reaches ArchiveOptions.CompactionGarbageRatio (a cheap check otherwise).
            _archive?.Compact();
        }
        catch (Exception ex) when (ex is MemoryStorageException or ObjectDisposedException)
        {
            TierLog.SweepFailed(_logger, ex);
        }
    }

    /// <summary>
    /// A key's version before an operation, kept for rollback as references (the hot tier's immutable version and its
    /// access statistics, or the hand-down the operation took over); turned into a persisted entry only if a rollback needs it.
    /// </summary>
    private readonly record struct Before(EntryState? State, long LastAccessTicks, long AccessCount, EntryState? HandedDown)
    {
        public PersistedEntry? ToPersisted(string key) =>
            State is not null ? PayloadCodec.ToPersisted(key, State, LastAccessTicks, AccessCount)
            : HandedDown is null ? null : PayloadCodec.ToPersisted(key, HandedDown, 0, 0);
    }
}
