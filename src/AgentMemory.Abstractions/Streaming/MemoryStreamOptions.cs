namespace AgentMemory;

/// <summary>Describes a stream: a named, filtered view of a store's change feed. Passed to <see cref="IMemoryStreaming.CreateStreamAsync"/>.</summary>
/// <remarks>A plain mutable options object; the streaming service copies it when the stream is created. Not thread-safe.</remarks>
public sealed class MemoryStreamOptions
{
    /// <summary>A display name for the stream (shown in metrics); null for none.</summary>
    public string? Name { get; set; }

    /// <summary>
    /// A glob over keys (<c>*</c> any run of characters, <c>?</c> one character, <c>[abc]</c> / <c>[a-z]</c> a set,
    /// <c>\</c> escapes), the same syntax as <see cref="IMemoryStore.ListKeysAsync"/>; null for every key.
    /// </summary>
    public string? KeyPattern { get; set; }

    /// <summary>The change types the stream carries; null or empty for all of them.</summary>
    public ISet<MemoryChangeType>? ChangeTypes { get; set; }
}
