namespace AgentMemory;

/// <summary>The result of a request: its data and metadata. Created by <see cref="IMemoryResponses.Create"/>.</summary>
/// <remarks>Immutable and thread-safe (do not write to the memory <see cref="Data"/> wraps).</remarks>
public sealed record MemoryResponse
{
    /// <summary>The id of the request this responds to; also the response's cache key.</summary>
    public required string RequestId { get; init; }

    /// <summary>The response's data, serialized by the handler.</summary>
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>Metadata about the response (never null; empty for none).</summary>
    public IReadOnlyDictionary<string, MetadataValue> Metadata { get; init; } = new Dictionary<string, MetadataValue>();

    /// <summary>When the response was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}
