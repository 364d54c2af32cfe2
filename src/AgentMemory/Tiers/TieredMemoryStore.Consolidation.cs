using System.Diagnostics;
using AgentMemory.Persistence;
using AgentMemory.Serialization;

namespace AgentMemory.Tiers;

// Consolidation: the policies decide, transfers run in batches with retries, a failed transfer leaves the entry in place.
public sealed partial class TieredMemoryStore
{
    /// <summary>The archive tier, if one is configured.</summary>
    internal IArchiveTier? Archive => _archive;

    private long _lastCapacityPassTicks = long.MinValue;

    /// <summary>The most recent consolidation pass started in the background (by the interval or the capacity trigger), for tests and diagnostics.</summary>
    internal Task<ConsolidationResult>? BackgroundConsolidation { get; private set; }

    /// <inheritdoc />
    public ValueTask<ConsolidationResult> ConsolidateAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return new(Consolidate(ConsolidationTrigger.Manual, cancellationToken));
    }

    /// <inheritdoc />
    public ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        DrainEvictions();
        FlushPending(force: true);
        return default;
    }

    /// <inheritdoc />
    public ValueTask<MemoryTier?> LocateAsync(string key, CancellationToken cancellationToken = default)
    {
        Storage.KeyRules.ValidateForRead(key);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        if (_hot.TryPeek(key, out _, out _))
        {
            return new(MemoryTier.ShortTerm);
        }

        lock (StripeOf(key))
        {
            if (_hot.TryPeek(key, out _, out _))
            {
                return new(MemoryTier.ShortTerm);
            }

            var below = FindBelowLocked(key, out var fromArchive);
            return new(below is null ? null : fromArchive ? MemoryTier.Archive : MemoryTier.LongTerm);
        }
    }

    /// <inheritdoc />
    public ValueTask<TierStatistics> GetTierStatisticsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        return new(new TierStatistics(
            _hot.Count,
            _longTerm.Count(NowTicks()),
            _archive?.Count ?? 0,
            _pending.Count,
            Interlocked.Read(ref _promotions),
            Interlocked.Read(ref _demotions),
            Interlocked.Read(ref _archived),
            _options.Durability));
    }

    private ConsolidationResult Consolidate(ConsolidationTrigger trigger, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var now = _time.GetUtcNow();
        var errors = new List<string>();
        long examined = 0, promoted = 0, demoted = 0, archived = 0, failed = 0;

        // Decide first, from a pass over each tier; then move, in batches.
        var demote = new List<string>();
        foreach (var (entry, state) in _hot.EnumerateLive(recordAccess: true))
        {
            examined++;
            var candidate = new ConsolidationCandidate(
                entry.Key,
                MemoryTier.ShortTerm,
                state.Priority,
                state.PayloadSize,
                Ticks(state.CreatedTicks),
                Ticks(state.UpdatedTicks),
                entry.LastAccessTicks == 0 ? null : Ticks(entry.LastAccessTicks),
                entry.AccessCount,
                state.ExpiresTicks == PersistedEntry.NoExpiry ? null : Ticks(state.ExpiresTicks),
                MetadataCodec.Decode(state.Metadata));
            if (Decide(candidate, now) == ConsolidationAction.Demote)
            {
                demote.Add(entry.Key);
            }
        }

        var promote = new List<string>();
        var archive = new List<string>();
        DrainEvictions(flushAccessStatistics: true);
        FlushPending(force: true);
        _longTerm.ForEach(now.UtcTicks, withPayload: false, (row, size) =>
        {
            if (_hot.TryPeek(row.Key, out _, out _))
            {
                return;
            }

            examined++;
            var candidate = new ConsolidationCandidate(
                row.Key,
                MemoryTier.LongTerm,
                row.Priority,
                size,
                Ticks(row.CreatedTicks),
                Ticks(row.UpdatedTicks),
                row.LastAccessTicks <= row.UpdatedTicks ? null : Ticks(row.LastAccessTicks),
                row.AccessCount,
                row.ExpiresTicks == PersistedEntry.NoExpiry ? null : Ticks(row.ExpiresTicks),
                MetadataCodec.Decode(row.Metadata));
            switch (Decide(candidate, now))
            {
                case ConsolidationAction.Promote:
                    promote.Add(row.Key);
                    break;
                case ConsolidationAction.Archive when _archive is not null:
                    archive.Add(row.Key);
                    break;
            }
        });

        foreach (var batch in demote.Chunk(_options.Consolidation.BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var key in batch)
            {
                Transfer(key, DemoteOne, ref demoted, ref failed, errors);
            }
        }

        foreach (var batch in promote.Chunk(_options.Consolidation.BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var key in batch)
            {
                Transfer(key, PromoteOne, ref promoted, ref failed, errors);
            }
        }

        foreach (var batch in archive.Chunk(_options.Consolidation.BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArchiveBatch(batch, ref archived, ref failed, errors);
        }

        AfterWrite();
        var result = new ConsolidationResult(trigger, examined, promoted, demoted, archived, failed, errors, _time.GetElapsedTime(started));
        TierLog.Consolidated(_logger, trigger, examined, promoted, demoted, archived, failed);
        return result;
    }

    private ConsolidationAction Decide(ConsolidationCandidate candidate, DateTimeOffset now)
    {
        foreach (var policy in _policies)
        {
            var action = policy.Evaluate(candidate, now);
            if (action != ConsolidationAction.None)
            {
                return action;
            }
        }

        return ConsolidationAction.None;
    }

    /// <summary>Runs one transfer with retries; counts it as moved, skipped (returned false) or failed.</summary>
    private void Transfer(string key, Func<string, bool> move, ref long moved, ref long failed, List<string> errors)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (move(key))
                {
                    moved++;
                }

                return;
            }
            catch (MemoryStorageException ex) when (attempt < _options.Consolidation.MaxRetries)
            {
                TierLog.TransferRetried(_logger, ex, key, attempt + 1);
            }
            catch (MemoryStorageException ex)
            {
                failed++;
                errors.Add($"'{key}': {ex.Message}");
                return;
            }
        }
    }

    /// <summary>Moves a hot entry to the long-term tier: committed below first, then removed from the hot tier.</summary>
    private bool DemoteOne(string key)
    {
        lock (StripeOf(key))
        {
            ThrowIfDisposed();
            if (!_hot.TryPeek(key, out var state, out var entry))
            {
                return false;
            }

            var persisted = PayloadCodec.ToPersisted(key, state, entry.LastAccessTicks, entry.AccessCount);
            var write = new PendingWrite(persisted);
            _pending[key] = write;
            try
            {
                FlushKeys([key]);
            }
            catch (MemoryStorageException)
            {
                // Put back what was buffered for the key before (the hot copy is still the live one either way).
                _pending.TryRemove(new KeyValuePair<string, PendingWrite>(key, write));
                Buffer(key, _options.Durability == DurabilityMode.None ? PendingWrite.Delete : write);

                throw;
            }

            _hot.RemoveIfCurrent(key, state);
            Interlocked.Increment(ref _demotions);
            return true;
        }
    }

    /// <summary>Copies a long-term entry into the hot tier.</summary>
    private bool PromoteOne(string key)
    {
        lock (StripeOf(key))
        {
            ThrowIfDisposed();
            if (_hot.TryPeek(key, out _, out _))
            {
                return false;
            }

            var before = Interlocked.Read(ref _promotions);
            EnsureHotLocked(key, countAccess: false);
            return Interlocked.Read(ref _promotions) > before;
        }
    }

    /// <summary>
    /// Moves long-term entries to the archive: appended (durably) first, then deleted below only if nothing changed
    /// them meanwhile; a changed entry's archive copy is withdrawn, so no two tiers disagree.
    /// </summary>
    private void ArchiveBatch(string[] keys, ref long archived, ref long failed, List<string> errors)
    {
        var now = NowTicks();
        var rows = new List<PersistedEntry>(keys.Length);
        foreach (var key in keys)
        {
            lock (StripeOf(key))
            {
                if (!_hot.TryPeek(key, out _, out _) && !_pending.ContainsKey(key) && _longTerm.Get(key, now) is { } row)
                {
                    rows.Add(row);
                }
            }
        }

        if (rows.Count == 0)
        {
            return;
        }

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                _archive!.Append(rows);
                break;
            }
            catch (MemoryStorageException ex) when (attempt < _options.Consolidation.MaxRetries)
            {
                TierLog.TransferRetried(_logger, ex, rows[0].Key, attempt + 1);
            }
            catch (MemoryStorageException ex)
            {
                failed += rows.Count;
                errors.Add($"archiving {rows.Count} entries starting at '{rows[0].Key}': {ex.Message}");
                return;
            }
        }

        foreach (var row in rows)
        {
            lock (StripeOf(row.Key))
            {
                try
                {
                    var current = _hot.TryPeek(row.Key, out _, out _) || _pending.ContainsKey(row.Key) ? null : _longTerm.Get(row.Key, NowTicks());
                    if (current is not null && current.UpdatedTicks == row.UpdatedTicks)
                    {
                        _longTerm.Delete(row.Key);
                        archived++;
                        Interlocked.Increment(ref _archived);
                    }
                    else
                    {
                        _archive!.Remove(row.Key);
                    }
                }
                catch (MemoryStorageException ex)
                {
                    // The row and its archive copy hold the same value; the next pass finishes the move.
                    failed++;
                    errors.Add($"'{row.Key}': {ex.Message}");
                }
            }
        }
    }

    private void MaybeStartCapacityConsolidation()
    {
        if (_options.Consolidation.CapacityThreshold is not { } threshold || _hot.MaxEntries is not { } max || _hot.Count < threshold * max)
        {
            return;
        }

        var now = NowTicks();
        if (now - Interlocked.Read(ref _lastCapacityPassTicks) < _options.Consolidation.CapacityCooldown.Ticks)
        {
            return;
        }

        Interlocked.Exchange(ref _lastCapacityPassTicks, now);
        StartBackground(ConsolidationTrigger.Capacity);
    }

    private void OnConsolidationTimer()
    {
        if (!_disposed)
        {
            StartBackground(ConsolidationTrigger.Interval);
        }
    }

    private void StartBackground(ConsolidationTrigger trigger)
    {
        if (Interlocked.CompareExchange(ref _consolidating, 1, 0) != 0)
        {
            return;
        }

        BackgroundConsolidation = Task.Run(() =>
        {
            try
            {
                return Consolidate(trigger, CancellationToken.None);
            }
            catch (Exception ex) when (ex is MemoryStorageException or ObjectDisposedException)
            {
                TierLog.ConsolidationFailed(_logger, ex);
                throw;
            }
            finally
            {
                Volatile.Write(ref _consolidating, 0);
            }
        });
    }

    private static DateTimeOffset Ticks(long ticks) => new(ticks, TimeSpan.Zero);
}
