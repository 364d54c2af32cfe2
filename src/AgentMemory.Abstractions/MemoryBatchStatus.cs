namespace AgentMemory;

/// <summary>The outcome of one operation in a batch.</summary>
public enum MemoryBatchStatus
{
    /// <summary>The value was stored.</summary>
    Stored = 0,

    /// <summary>The entry existed and was deleted.</summary>
    Deleted = 1,

    /// <summary>A delete found no entry; the key is absent, as asked.</summary>
    NotFound = 2,

    /// <summary>The operation failed; <see cref="MemoryBatchOutcome.Error"/> says why. Nothing was changed for it.</summary>
    Failed = 3,
}
