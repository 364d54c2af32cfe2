namespace AgentMemory;

/// <summary>A unit of work queued with <see cref="IMemoryRequests.EnqueueAsync"/> and handed to an <see cref="IMemoryRequestHandler"/>.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record MemoryRequest
{
    /// <summary>The id the queue assigned.</summary>
    public required string Id { get; init; }

    /// <summary>What to do: a name the handler dispatches on, for example "summarize".</summary>
    public required string Operation { get; init; }

    /// <summary>The request's input, serialized by the caller.</summary>
    public ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>How urgent the request is.</summary>
    public MemoryPriority Priority { get; init; } = MemoryPriority.Normal;

    /// <summary>Caller metadata passed through to the handler; null for none.</summary>
    public IReadOnlyDictionary<string, MetadataValue>? Metadata { get; init; }

    /// <summary>When the request was queued.</summary>
    public DateTimeOffset EnqueuedAt { get; init; }
}
