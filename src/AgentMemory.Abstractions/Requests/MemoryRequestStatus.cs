namespace AgentMemory;

/// <summary>Where a request is in its life.</summary>
public enum MemoryRequestStatus
{
    /// <summary>Waiting for a worker (including waiting out the backoff before a retry).</summary>
    Queued = 0,

    /// <summary>A worker is running the handler.</summary>
    Running = 1,

    /// <summary>The handler succeeded; the response is available.</summary>
    Completed = 2,

    /// <summary>Every allowed attempt failed.</summary>
    Failed = 3,

    /// <summary>Cancelled before it completed.</summary>
    Cancelled = 4,
}
