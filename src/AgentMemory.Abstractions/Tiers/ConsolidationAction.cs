namespace AgentMemory;

/// <summary>What a consolidation policy decides for one entry.</summary>
public enum ConsolidationAction
{
    /// <summary>Leave the entry where it is.</summary>
    None = 0,

    /// <summary>Copy a long-term entry into the hot tier (it stays durable below).</summary>
    Promote = 1,

    /// <summary>Move a hot entry out of the hot tier into the long-term tier.</summary>
    Demote = 2,

    /// <summary>Move a long-term entry into the archive.</summary>
    Archive = 3,
}
