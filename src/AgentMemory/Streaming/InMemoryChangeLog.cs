namespace AgentMemory.Streaming;

/// <summary>The default <see cref="IChangeLogStore"/>: a FIFO bounded by count and by age. Not thread-safe; the feed's lock guards it.</summary>
internal sealed class InMemoryChangeLog : IChangeLogStore
{
    private readonly Queue<MemoryChange> _changes = new();
    private readonly int _maxCount;
    private readonly TimeSpan? _maxAge;

    public InMemoryChangeLog(int maxCount, TimeSpan? maxAge)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        _maxCount = maxCount;
        _maxAge = maxAge;
    }

    public long TrimmedThroughSequence { get; private set; }

    public DateTimeOffset? TrimmedThroughTimestamp { get; private set; }

    public int Count => _changes.Count;

    public void Append(MemoryChange change)
    {
        _changes.Enqueue(change);
        while (_changes.Count > _maxCount)
        {
            Drop();
        }

        Trim(change.Timestamp);
    }

    public void Trim(DateTimeOffset now)
    {
        if (_maxAge is not { } age)
        {
            return;
        }

        var oldest = now - age;
        while (_changes.TryPeek(out var head) && head.Timestamp < oldest)
        {
            Drop();
        }
    }

    public void CopyFrom(long fromSequence, Func<MemoryChange, bool> filter, List<MemoryChange> into)
    {
        foreach (var change in _changes)
        {
            if (change.Sequence >= fromSequence && filter(change))
            {
                into.Add(change);
            }
        }
    }

    public void CopyRange(DateTimeOffset from, DateTimeOffset to, Func<MemoryChange, bool> filter, List<MemoryChange> into)
    {
        foreach (var change in _changes)
        {
            if (change.Timestamp > to)
            {
                break;
            }

            if (change.Timestamp >= from && filter(change))
            {
                into.Add(change);
            }
        }
    }

    private void Drop()
    {
        var dropped = _changes.Dequeue();
        TrimmedThroughSequence = dropped.Sequence;
        TrimmedThroughTimestamp = dropped.Timestamp;
    }
}
