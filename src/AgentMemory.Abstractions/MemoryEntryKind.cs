namespace AgentMemory;

/// <summary>The shape of the data held under a key.</summary>
public enum MemoryEntryKind
{
    /// <summary>A single serialized value, written by <c>StoreAsync</c>, <c>StoreRawAsync</c> or a counter operation.</summary>
    Value = 0,

    /// <summary>A hash map of named fields, written by the hash operations of <see cref="IMemoryOperations"/>.</summary>
    Hash = 1,

    /// <summary>An ordered list of values, written by the list operations of <see cref="IMemoryOperations"/>.</summary>
    List = 2,
}
