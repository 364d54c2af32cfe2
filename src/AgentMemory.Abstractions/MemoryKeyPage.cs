namespace AgentMemory;

/// <summary>One page of keys from <see cref="IMemoryStore.ListKeysPageAsync"/>.</summary>
/// <param name="Keys">The keys on this page.</param>
/// <param name="ContinuationToken">
/// An opaque token that asks for the next page, or <see langword="null"/> when there are no more keys.
/// </param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record MemoryKeyPage(IReadOnlyList<string> Keys, string? ContinuationToken);
