namespace AgentMemory;

/// <summary>Finds key information (names, dates, preferences, facts) in text, to be learned as memories.</summary>
/// <remarks>Implementations are thread-safe.</remarks>
public interface IMemoryExtractor
{
    /// <summary>Extracts the key information in <paramref name="text"/>.</summary>
    /// <param name="text">The text, typically a user's message.</param>
    /// <param name="cancellationToken">Cancels the extraction.</param>
    /// <returns>What was found; empty if nothing.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    ValueTask<IReadOnlyList<ExtractedMemory>> ExtractAsync(string text, CancellationToken cancellationToken = default);
}
