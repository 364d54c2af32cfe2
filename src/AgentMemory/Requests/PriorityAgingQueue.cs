namespace AgentMemory.Requests;

/// <summary>
/// Ready requests in one FIFO per priority, plus retries waiting out a backoff. The next request is the head with
/// the highest effective priority: its own, plus one level per <c>agingInterval</c> it has waited (capped at
/// critical); ties go to the one that has waited longest. Each FIFO's head is its longest-waiting member, so
/// comparing the four heads is exact. Not thread-safe; the request queue's lock guards it.
/// </summary>
/// <remarks>
/// Each FIFO holds (item, order) entries and removal is lazy: a cancelled request is only marked, and its entry is
/// skipped when it reaches the head. An entry is live while its item is still ready with that same order, so a
/// request removed and queued again (a manual retry) is never taken twice. No allocation per request.
/// </remarks>
internal sealed class PriorityAgingQueue
{
    private const int Levels = 4;
    private readonly Queue<(RequestItem Item, long Order)>[] _ready = [new(), new(), new(), new()];
    private readonly int[] _live = new int[Levels];
    private readonly PriorityQueue<RequestItem, long> _delayed = new();
    private readonly long _agingTicks;
    private long _order;

    public PriorityAgingQueue(TimeSpan? agingInterval) => _agingTicks = agingInterval?.Ticks ?? 0;

    public int ReadyCount => _live[0] + _live[1] + _live[2] + _live[3];

    public int DelayedCount => _delayed.Count;

    /// <summary>The earliest time a delayed retry becomes ready, if any.</summary>
    public long? NextDueTicks => _delayed.TryPeek(out _, out var due) ? due : null;

    public void AddReady(RequestItem item, long nowTicks)
    {
        item.ReadyTicks = nowTicks;
        item.Order = ++_order;
        item.NextAttemptAt = null;
        item.InReady = true;
        _ready[item.Priority].Enqueue((item, item.Order));
        _live[item.Priority]++;
    }

    public void AddDelayed(RequestItem item, DateTimeOffset due)
    {
        item.NextAttemptAt = due;
        _delayed.Enqueue(item, due.UtcTicks);
    }

    /// <summary>Moves every delayed retry that is due into the ready queues.</summary>
    /// <returns>How many became ready.</returns>
    public int PromoteDue(long nowTicks)
    {
        var promoted = 0;
        while (_delayed.TryPeek(out var item, out var due) && due <= nowTicks)
        {
            _delayed.Dequeue();
            if (item.Status == MemoryRequestStatus.Queued && !item.InReady && item.NextAttemptAt?.UtcTicks == due)
            {
                AddReady(item, nowTicks);
                promoted++;
            }
        }

        return promoted;
    }

    public RequestItem? TryTake(long nowTicks)
    {
        var best = -1;
        var bestPriority = -1;
        long bestOrder = 0;
        for (var level = 0; level < Levels; level++)
        {
            if (Head(level) is not { } head)
            {
                continue;
            }

            var priority = EffectivePriority(head, nowTicks);
            if (best < 0 || priority > bestPriority || (priority == bestPriority && head.Order < bestOrder))
            {
                best = level;
                bestPriority = priority;
                bestOrder = head.Order;
            }
        }

        if (best < 0)
        {
            return null;
        }

        var item = _ready[best].Dequeue().Item;
        item.InReady = false;
        _live[best]--;
        return item;
    }

    /// <summary>Removes a queued request (ready or delayed).</summary>
    public void Remove(RequestItem item)
    {
        if (item.InReady)
        {
            // Its entry stays in the FIFO and is dropped when it reaches the head.
            item.InReady = false;
            _live[item.Priority]--;
        }

        // A delayed item stays in the heap and is skipped when it comes due: its NextAttemptAt is cleared.
        item.NextAttemptAt = null;
    }

    /// <summary>Queued requests in the order <see cref="TryTake"/> would return them now, then the delayed ones by due time.</summary>
    public List<RequestItem> Snapshot(long nowTicks, int limit)
    {
        var ready = _ready.SelectMany(q => q).Where(IsLive).Select(e => e.Item)
            .OrderByDescending(i => EffectivePriority(i, nowTicks))
            .ThenBy(i => i.Order);
        var delayed = _delayed.UnorderedItems
            .Where(e => e.Element.Status == MemoryRequestStatus.Queued && !e.Element.InReady && e.Element.NextAttemptAt?.UtcTicks == e.Priority)
            .OrderBy(e => e.Priority)
            .Select(e => e.Element);
        return ready.Concat(delayed).Take(limit).ToList();
    }

    public int EffectivePriority(RequestItem item, long nowTicks)
    {
        if (_agingTicks == 0)
        {
            return item.Priority;
        }

        var levels = Math.Max(0, nowTicks - item.ReadyTicks) / _agingTicks;
        return (int)Math.Min(Levels - 1, item.Priority + levels);
    }

    private static bool IsLive((RequestItem Item, long Order) entry) => entry.Item.InReady && entry.Item.Order == entry.Order;

    /// <summary>The level's first live request, dropping dead entries in front of it; null when it has none.</summary>
    private RequestItem? Head(int level)
    {
        var queue = _ready[level];
        while (queue.TryPeek(out var entry))
        {
            if (IsLive(entry))
            {
                return entry.Item;
            }

            queue.Dequeue();
        }

        return null;
    }
}
