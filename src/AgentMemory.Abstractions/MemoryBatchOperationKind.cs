namespace AgentMemory;

/// <summary>What a <see cref="MemoryBatchOperation"/> does.</summary>
public enum MemoryBatchOperationKind
{
    /// <summary>Stores a value, replacing any entry under the key.</summary>
    Store = 0,

    /// <summary>Deletes the entry under the key, if any.</summary>
    Delete = 1,
}
