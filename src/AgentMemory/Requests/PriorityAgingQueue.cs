namespace AgentMemory.Requests;

/// <summary>
/// Ready requests in one FIFO per priority, plus retries waiting out a backoff. The next request is the head with
/// the highest effective priority: its own, plus one level per <c>agingInterval</c> it has waited (capped at
/// critical); ties go to the one that has waited longest. Each FIFO's head is its longest-waiting member, so
/// comparing the four heads is exact. Not thread-safe; the request queue's lock guards it.
/// </summary>
internal sealed class PriorityAgingQueue
{
    private const int Levels = 4;
    private readonly LinkedList<RequestItem>[] _ready = [new(), new(), new(), new()];
    private readonly PriorityQueue<RequestItem, long> _delayed = new();
    private readonly long _agingTicks;
    private long _order;

    public PriorityAgingQueue(TimeSpan? agingInterval) => _agingTicks = agingInterval?.Ticks ?? 0;

    public int ReadyCount => _ready[0].Count + _ready[1].Count + _ready[2].Count + _ready[3].Count;

    public int DelayedCount => _delayed.Count;

    /// <summary>The earliest time a delayed retry becomes ready, if any.</summary>
    public long? NextDueTicks => _delayed.TryPeek(out _, out var due) ? due : null;

    public void AddReady(RequestItem item, long nowTicks)
    {
        item.ReadyTicks = nowTicks;
        item.Order = ++_order;
        item.NextAttemptAt = null;
        item.Node = _ready[item.Priority].AddLast(item);
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
            if (item.Status == MemoryRequestStatus.Queued && item.Node is null && item.NextAttemptAt?.UtcTicks == due)
            {
                AddReady(item, nowTicks);
                promoted++;
            }
        }

        return promoted;
    }

    public RequestItem? TryTake(long nowTicks)
    {
        LinkedList<RequestItem>? best = null;
        var bestPriority = -1;
        foreach (var queue in _ready)
        {
            if (queue.First is not { } node)
            {
                continue;
            }

            var priority = EffectivePriority(node.Value, nowTicks);
            if (best is null || priority > bestPriority || (priority == bestPriority && node.Value.Order < best.First!.Value.Order))
            {
                best = queue;
                bestPriority = priority;
            }
        }

        if (best?.First is not { } first)
        {
            return null;
        }

        best.RemoveFirst();
        first.Value.Node = null;
        return first.Value;
    }

    /// <summary>Removes a queued request (ready or delayed).</summary>
    public void Remove(RequestItem item)
    {
        if (item.Node is { } node)
        {
            _ready[item.Priority].Remove(node);
            item.Node = null;
        }

        // A delayed item stays in the heap and is skipped when it comes due: its NextAttemptAt is cleared.
        item.NextAttemptAt = null;
    }

    /// <summary>Queued requests in the order <see cref="TryTake"/> would return them now, then the delayed ones by due time.</summary>
    public List<RequestItem> Snapshot(long nowTicks, int limit)
    {
        var ready = _ready.SelectMany(q => q)
            .OrderByDescending(i => EffectivePriority(i, nowTicks))
            .ThenBy(i => i.Order);
        var delayed = _delayed.UnorderedItems
            .Where(e => e.Element.Status == MemoryRequestStatus.Queued && e.Element.Node is null && e.Element.NextAttemptAt?.UtcTicks == e.Priority)
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
}
