namespace AgentMemory.Semantic;

/// <summary>
/// A bounded least-recently-used map whose entries also expire a fixed time after they were added, on the given
/// <see cref="TimeProvider"/>. Counts hits, misses, expirations and evictions.
/// </summary>
/// <remarks>Thread-safe: one short lock per call (a dictionary lookup and a linked-list move).</remarks>
internal sealed class TimedLruCache<TKey, TValue>
    where TKey : notnull
{
    private readonly object _gate = new();
    private readonly Dictionary<TKey, LinkedListNode<Item>> _map;
    private readonly LinkedList<Item> _order = new();
    private readonly int _capacity;
    private readonly TimeSpan _ttl;
    private readonly TimeProvider _time;
    private long _hits;
    private long _misses;
    private long _expirations;
    private long _evictions;

    public TimedLruCache(int capacity, TimeSpan ttl, TimeProvider time, IEqualityComparer<TKey>? comparer = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        _capacity = capacity;
        _ttl = ttl;
        _time = time;
        _map = new Dictionary<TKey, LinkedListNode<Item>>(comparer);
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _map.Count;
            }
        }
    }

    /// <summary>Looks a key up; a live entry becomes the most recently used. An expired one is removed and misses.</summary>
    public bool TryGet(TKey key, out TValue value)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_map.TryGetValue(key, out var node))
            {
                if (node.Value.ExpiresAt > now)
                {
                    _order.Remove(node);
                    _order.AddFirst(node);
                    _hits++;
                    value = node.Value.Value;
                    return true;
                }

                _map.Remove(key);
                _order.Remove(node);
                _expirations++;
            }

            _misses++;
            value = default!;
            return false;
        }
    }

    /// <summary>Adds or replaces an entry, evicting the least recently used ones beyond the capacity.</summary>
    public void Set(TKey key, TValue value)
    {
        var item = new Item(key, value, _time.GetUtcNow() + _ttl);
        lock (_gate)
        {
            if (_map.TryGetValue(key, out var existing))
            {
                _order.Remove(existing);
            }

            var node = _order.AddFirst(item);
            _map[key] = node;
            while (_map.Count > _capacity)
            {
                var last = _order.Last!;
                _order.RemoveLast();
                _map.Remove(last.Value.Key);
                _evictions++;
            }
        }
    }

    /// <summary>Removes an entry (one its user found stale).</summary>
    public void Remove(TKey key)
    {
        lock (_gate)
        {
            if (_map.Remove(key, out var node))
            {
                _order.Remove(node);
            }
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _map.Clear();
            _order.Clear();
        }
    }

    public (long Hits, long Misses, long Expirations, long Evictions, int Count) Snapshot()
    {
        lock (_gate)
        {
            return (_hits, _misses, _expirations, _evictions, _map.Count);
        }
    }

    private readonly record struct Item(TKey Key, TValue Value, DateTimeOffset ExpiresAt);
}
