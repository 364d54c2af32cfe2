namespace AgentMemory.Storage;

/// <summary>
/// One intrusive doubly linked queue of entries per <see cref="MemoryPriority"/>, oldest at the head. Together with
/// the <see cref="MemoryEntry.Accessed"/> bit they implement CLOCK (second-chance) eviction, an O(1) approximation of
/// least-recently-used that keeps reads lock-free. Every member must be called under <see cref="SyncRoot"/>.
/// </summary>
internal sealed class EvictionQueues
{
    public const int PriorityCount = 4;

    private readonly Queue[] _queues = [new(), new(), new(), new()];

    public object SyncRoot { get; } = new();

    public int Count(int priority) => _queues[priority].Count;

    public MemoryEntry? Head(int priority) => _queues[priority].Head;

    public void Add(MemoryEntry entry, MemoryPriority priority)
    {
        lock (SyncRoot)
        {
            Append(entry, (int)priority);
        }
    }

    public void Remove(MemoryEntry entry)
    {
        lock (SyncRoot)
        {
            Unlink(entry);
        }
    }

    public void Move(MemoryEntry entry, MemoryPriority priority)
    {
        lock (SyncRoot)
        {
            Unlink(entry);
            Append(entry, (int)priority);
        }
    }

    /// <summary>Moves an entry to the tail of its own queue (its second chance).</summary>
    public void MoveToTail(MemoryEntry entry)
    {
        var index = entry.QueueIndex;
        Unlink(entry);
        Append(entry, index);
    }

    private void Append(MemoryEntry entry, int index)
    {
        var queue = _queues[index];
        entry.QueueIndex = index;
        entry.Next = null;
        entry.Previous = queue.Tail;
        if (queue.Tail is null)
        {
            queue.Head = entry;
        }
        else
        {
            queue.Tail.Next = entry;
        }

        queue.Tail = entry;
        queue.Count++;
    }

    private void Unlink(MemoryEntry entry)
    {
        if (entry.QueueIndex < 0)
        {
            return;
        }

        var queue = _queues[entry.QueueIndex];
        if (entry.Previous is null)
        {
            queue.Head = entry.Next;
        }
        else
        {
            entry.Previous.Next = entry.Next;
        }

        if (entry.Next is null)
        {
            queue.Tail = entry.Previous;
        }
        else
        {
            entry.Next.Previous = entry.Previous;
        }

        entry.Previous = null;
        entry.Next = null;
        entry.QueueIndex = -1;
        queue.Count--;
    }

    private sealed class Queue
    {
        public MemoryEntry? Head { get; set; }

        public MemoryEntry? Tail { get; set; }

        public int Count { get; set; }
    }
}
