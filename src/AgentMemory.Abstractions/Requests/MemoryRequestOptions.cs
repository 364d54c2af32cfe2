namespace AgentMemory;

/// <summary>Per-request settings for <see cref="IMemoryRequests.EnqueueAsync"/>.</summary>
/// <remarks>A plain mutable options object, read when the request is queued. Not thread-safe.</remarks>
public sealed class MemoryRequestOptions
{
    /// <summary>The request's priority. Default <see cref="MemoryPriority.Normal"/>.</summary>
    public MemoryPriority Priority { get; set; } = MemoryPriority.Normal;

    /// <summary>How many times the handler may run before the request fails (1 = no retry); null for the queue's default.</summary>
    public int? MaxAttempts { get; set; }

    /// <summary>Metadata carried to the handler; null for none.</summary>
    public IReadOnlyDictionary<string, MetadataValue>? Metadata { get; set; }
}
