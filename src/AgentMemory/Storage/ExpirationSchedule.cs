namespace AgentMemory.Storage;

/// <summary>
/// A min-heap of (entry, expiry time) that lets the expiry sweep find due entries without scanning the table.
/// An entry has at most one live item: a later expiry is not pushed while an earlier one is pending (the sweep
/// re-schedules the entry when it finds the real expiry moved), so overwrites cannot grow the heap without bound.
/// Lock order: a key's stripe lock may be held when calling in; this lock is never held while taking a stripe.
/// </summary>
internal sealed class ExpirationSchedule
{
    private readonly PriorityQueue<MemoryEntry, long> _heap = new();
    private readonly object _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _heap.Count;
            }
        }
    }

    public void Schedule(MemoryEntry entry, long expiresTicks)
    {
        lock (_lock)
        {
            if (entry.ScheduledExpiry == 0 || expiresTicks < entry.ScheduledExpiry)
            {
                _heap.Enqueue(entry, expiresTicks);
                entry.ScheduledExpiry = expiresTicks;
            }
        }
    }

    /// <summary>Removes up to <paramref name="max"/> entries scheduled at or before <paramref name="nowTicks"/> and adds them to <paramref name="due"/>.</summary>
    public void TakeDue(long nowTicks, int max, List<MemoryEntry> due)
    {
        lock (_lock)
        {
            while (due.Count < max && _heap.TryPeek(out var entry, out var at) && at <= nowTicks)
            {
                _heap.Dequeue();
                if (entry.ScheduledExpiry != at)
                {
                    continue; // superseded by an earlier schedule that was already taken
                }

                entry.ScheduledExpiry = 0;
                due.Add(entry);
            }
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            while (_heap.TryDequeue(out var entry, out _))
            {
                entry.ScheduledExpiry = 0;
            }
        }
    }
}
