namespace AgentMemory.Storage;

// Eviction to stay within capacity, and the active expiry sweep.
public sealed partial class InMemoryStore
{
    private bool IsOverCapacity() =>
        Volatile.Read(ref _count) > _maxEntries || Volatile.Read(ref _bytes) > _maxBytes;

    /// <summary>
    /// Evicts until the store is within its limits: lowest priority first, and within a priority by CLOCK (the head
    /// of the queue is the oldest entry; one accessed since the last pass is moved to the tail with its bit cleared).
    /// Runs under the queues' lock and only tries key stripes (never blocks on one), so it cannot deadlock with
    /// writers, which take a stripe and then the queues' lock. A pass is bounded; if entries are locked by writers
    /// the next write finishes the job.
    /// </summary>
    private void EvictIfNeeded()
    {
        if (!IsOverCapacity())
        {
            return;
        }

        List<Removal>? removals = null;
        lock (_queues.SyncRoot)
        {
            for (var priority = 0; priority < EvictionQueues.PriorityCount && IsOverCapacity(); priority++)
            {
                var budget = (2L * _queues.Count(priority)) + 1;
                while (budget-- > 0 && IsOverCapacity() && _queues.Head(priority) is { } entry)
                {
                    if (entry.Accessed)
                    {
                        entry.Accessed = false;
                        _queues.MoveToTail(entry);
                        continue;
                    }

                    var stripe = _stripes[entry.Stripe];
                    if (!Monitor.TryEnter(stripe))
                    {
                        _queues.MoveToTail(entry);
                        continue;
                    }

                    try
                    {
                        if (entry.State is { } state && _table.TryGetValue(entry.Key, out var current) && ReferenceEquals(current, entry))
                        {
                            Evicting?.Invoke(entry, state);
                            RemoveLocked(entry, state);
                            Interlocked.Increment(ref _evictions);
                            (removals ??= []).Add(new Removal(entry.Key, MemoryRemovalReason.Evicted, state));
                            EmitRemovedLocked(entry.Key, MemoryChangeType.Evicted, state);
                        }
                        else
                        {
                            _queues.Remove(entry);
                        }
                    }
                    finally
                    {
                        Monitor.Exit(stripe);
                    }
                }
            }
        }

        Raise(removals);
    }

    private void OnSweepTimer()
    {
        if (_disposed || !Monitor.TryEnter(_sweepGate))
        {
            return;
        }

        try
        {
            SweepExpired();
        }
        catch (Exception ex)
        {
            StoreLog.SweepFailed(_logger, ex);
        }
        finally
        {
            Monitor.Exit(_sweepGate);
        }
    }

    /// <summary>Reclaims up to the configured number of due entries from the expiration schedule.</summary>
    /// <returns>How many entries expired.</returns>
    internal int SweepExpired()
    {
        var now = NowTicks();
        var due = new List<MemoryEntry>();
        _schedule.TakeDue(now, _maxExpirationsPerScan, due);
        List<Removal>? removals = null;
        var expired = 0;
        foreach (var entry in due)
        {
            lock (_stripes[entry.Stripe])
            {
                if (entry.State is not { } state || !_table.TryGetValue(entry.Key, out var current) || !ReferenceEquals(current, entry))
                {
                    continue;
                }

                if (state.IsExpiredAt(now))
                {
                    RemoveLocked(entry, state);
                    Interlocked.Increment(ref _expirations);
                    (removals ??= []).Add(new Removal(entry.Key, MemoryRemovalReason.Expired, state));
                    EmitRemovedLocked(entry.Key, MemoryChangeType.Expired, state);
                    expired++;
                }
                else if (state.ExpiresTicks != EntryState.NoExpiry)
                {
                    _schedule.Schedule(entry, state.ExpiresTicks);
                }
            }
        }

        Raise(removals);
        return expired;
    }
}
