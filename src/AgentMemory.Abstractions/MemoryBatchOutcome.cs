namespace AgentMemory;

/// <summary>What happened to one operation of a batch.</summary>
/// <param name="Index">The operation's position in the batch, from 0.</param>
/// <param name="Key">The key the operation targeted.</param>
/// <param name="Kind">Whether it was a store or a delete.</param>
/// <param name="Status">What happened.</param>
/// <param name="Error">Why it failed, when <paramref name="Status"/> is <see cref="MemoryBatchStatus.Failed"/>; otherwise null.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public readonly record struct MemoryBatchOutcome(
    int Index,
    string Key,
    MemoryBatchOperationKind Kind,
    MemoryBatchStatus Status,
    Exception? Error)
{
    /// <summary>Whether the operation did what it asked (a delete of an absent key succeeds).</summary>
    public bool Succeeded => Status != MemoryBatchStatus.Failed;
}
