namespace AgentMemory;

/// <summary>
/// One agent's working memory: items stored by importance go to short-term context (recent, expiring) or to
/// long-term facts (important, kept), and the active context for the next model call combines both.
/// </summary>
/// <remarks>Thread-safe. State lives in the memory store, so it persists whenever the store does.</remarks>
public interface IWorkingMemory
{
    /// <summary>The agent this working memory belongs to.</summary>
    string AgentId { get; }

    /// <summary>
    /// Stores an item: above the long-term importance threshold as a long-term fact, otherwise as short-term
    /// context. A key lives in one part only: storing it again moves it if its importance says so.
    /// </summary>
    /// <typeparam name="T">The type of the value.</typeparam>
    /// <param name="key">The item's key.</param>
    /// <param name="value">The value.</param>
    /// <param name="importance">From 0 to 1.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>Where the item went.</returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> is null, empty or too long.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="importance"/> is not between 0 and 1.</exception>
    ValueTask<WorkingMemorySource> StoreContextAsync<T>(string key, T value, double importance = 0.5, CancellationToken cancellationToken = default);

    /// <summary>Reads one item, short-term first.</summary>
    /// <typeparam name="T">The type to read the value as.</typeparam>
    /// <param name="key">The item's key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The item, or <see langword="null"/> if it is not held (or expired).</returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> is null or empty.</exception>
    ValueTask<WorkingMemoryItem<T>?> RecallAsync<T>(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// The context for the next model call: the newest short-term items first, then long-term facts by descending
    /// importance, up to <paramref name="maxItems"/>.
    /// </summary>
    /// <typeparam name="T">The type to read every value as (for mixed values, a common base such as <see cref="object"/>).</typeparam>
    /// <param name="maxItems">The most items; at least 1.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The items.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxItems"/> is less than 1.</exception>
    ValueTask<IReadOnlyList<WorkingMemoryItem<T>>> GetActiveContextAsync<T>(int maxItems = 20, CancellationToken cancellationToken = default);

    /// <summary>Removes an item from both parts.</summary>
    /// <param name="key">The item's key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> if it was held.</returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> is null or empty.</exception>
    ValueTask<bool> ForgetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Removes every item of one part.</summary>
    /// <param name="source">The part to clear.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many items were removed.</returns>
    /// <exception cref="ArgumentException"><paramref name="source"/> is not defined.</exception>
    ValueTask<long> ClearAsync(WorkingMemorySource source, CancellationToken cancellationToken = default);
}
