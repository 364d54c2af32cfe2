namespace AgentMemory;

/// <summary>The outcome an audit entry records.</summary>
public enum MemoryAuditResult
{
    /// <summary>The access-control list allowed the call, and it ran.</summary>
    Allowed = 0,

    /// <summary>The access-control list denied the call; nothing was changed.</summary>
    Denied = 1,

    /// <summary>The call was allowed but failed (for example with a storage error).</summary>
    Failed = 2,

    /// <summary>An encrypted value failed authentication: it was altered or moved to another key.</summary>
    TamperDetected = 3,

    /// <summary>A value encrypted under a retired key was read; the read was refused.</summary>
    RetiredKeyUsed = 4,
}
