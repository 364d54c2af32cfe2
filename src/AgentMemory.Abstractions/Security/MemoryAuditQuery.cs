namespace AgentMemory;

/// <summary>Selects audit entries: by time range, by principal, up to a limit, oldest first.</summary>
/// <remarks>Not thread-safe while being changed; a query object that is no longer changed may be shared.</remarks>
public sealed class MemoryAuditQuery
{
    /// <summary>The earliest timestamp to include (inclusive), or null for no lower bound.</summary>
    public DateTimeOffset? From { get; set; }

    /// <summary>The latest timestamp to include (exclusive), or null for no upper bound.</summary>
    public DateTimeOffset? To { get; set; }

    /// <summary>Only entries of this principal, or null for every principal.</summary>
    public string? PrincipalId { get; set; }

    /// <summary>The most entries to return; at least 1. Defaults to 10,000.</summary>
    public int Limit { get; set; } = 10_000;
}
