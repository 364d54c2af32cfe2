namespace AgentMemory;

/// <summary>
/// A memory store with a hot short-term tier over a durable long-term tier and an archive. Reads go hot →
/// long-term → archive and promote a hit into the hot tier; writes follow the store's <see cref="DurabilityMode"/>;
/// eviction hands entries down instead of dropping them; consolidation moves entries by policy.
/// </summary>
/// <remarks>Implementations are thread-safe.</remarks>
public interface ITieredMemoryStore : IMemoryStore
{
    /// <summary>Runs one consolidation pass now: applies the configured policies to every entry of the hot and long-term tiers.</summary>
    /// <param name="cancellationToken">Stops the pass between batches; entries already moved stay moved.</param>
    /// <returns>What the pass did.</returns>
    /// <exception cref="ObjectDisposedException">The store has been disposed.</exception>
    ValueTask<ConsolidationResult> ConsolidateAsync(CancellationToken cancellationToken = default);

    /// <summary>Commits every buffered write-behind write to the long-term tier.</summary>
    /// <param name="cancellationToken">Cancels before the flush starts.</param>
    /// <exception cref="MemoryStorageException">The long-term tier failed; the writes stay buffered.</exception>
    /// <exception cref="ObjectDisposedException">The store has been disposed.</exception>
    ValueTask FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>The highest tier that holds a live entry for <paramref name="key"/>, or <see langword="null"/> when none does. Does not promote.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <exception cref="ArgumentException"><paramref name="key"/> is null, empty or not a valid key.</exception>
    /// <exception cref="ObjectDisposedException">The store has been disposed.</exception>
    ValueTask<MemoryTier?> LocateAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Counts per tier and movement totals.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ObjectDisposedException">The store has been disposed.</exception>
    ValueTask<TierStatistics> GetTierStatisticsAsync(CancellationToken cancellationToken = default);
}
