namespace AgentMemory;

/// <summary>
/// Memories organised in levels — <see cref="MemoryLevel.Immediate"/>, <see cref="MemoryLevel.Recent"/>,
/// <see cref="MemoryLevel.Important"/>, <see cref="MemoryLevel.Learned"/> — each with its own capacity and idle
/// expiry, and promotion rules that move a memory up one level as it proves itself: accessed often
/// (immediate → recent), important (recent → important), validated (important → learned).
/// </summary>
/// <remarks>
/// <para>
/// Leveled memories are ordinary semantic memories (same store, indexes, scopes and caches); the level and the
/// validation count live in reserved metadata fields (<c>hierarchy.level</c>, <c>hierarchy.validations</c>), so a
/// plain <see cref="ISemanticMemory"/> retrieval sees them too. Capacities apply per level and per memory scope, so
/// one tenant never evicts another's memories.
/// </para>
/// <para>Implementations are thread-safe: every member may be called concurrently.</para>
/// </remarks>
public interface IHierarchicalMemory
{
    /// <summary>Stores a memory at a level, then evicts the level's least valuable other memories of that scope beyond its capacity (a new memory always gets in).</summary>
    /// <param name="input">What to store; its metadata must not use the reserved <c>hierarchy.</c> fields.</param>
    /// <param name="level">The level to enter at.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored memory at its level.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is null.</exception>
    /// <exception cref="ArgumentException">The input is invalid, uses a reserved metadata field, or <paramref name="level"/> is not defined.</exception>
    /// <exception cref="EmbeddingException">The embedder failed.</exception>
    ValueTask<LeveledMemory> StoreAsync(MemoryInput input, MemoryLevel level = MemoryLevel.Immediate, CancellationToken cancellationToken = default);

    /// <summary>Reads a leveled memory without counting an access.</summary>
    /// <param name="id">The memory id.</param>
    /// <param name="scope">The scope of the request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The memory and its level, or null if there is no leveled memory with that id visible to <paramref name="scope"/> (or it has expired).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> or <paramref name="scope"/> is null.</exception>
    ValueTask<LeveledMemory?> GetAsync(string id, MemoryScope scope, CancellationToken cancellationToken = default);

    /// <summary>Recalls a memory by id: counts an access and promotes it one level if its level's rule says so.</summary>
    /// <param name="id">The memory id.</param>
    /// <param name="scope">The scope of the request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The memory at its (possibly new) level, or null if there is none visible to <paramref name="scope"/> (an expired one is deleted).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> or <paramref name="scope"/> is null.</exception>
    ValueTask<LeveledMemory?> RecallAsync(string id, MemoryScope scope, CancellationToken cancellationToken = default);

    /// <summary>
    /// Finds the leveled memories most relevant to a query, optionally only at some levels. Returned memories count as
    /// accessed (unless <see cref="MemoryQuery.UpdateAccessStatistics"/> is false) and are promoted when due.
    /// </summary>
    /// <param name="query">The query, filters and limit.</param>
    /// <param name="levels">Only these levels; null or empty for all.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Up to <see cref="MemoryQuery.Limit"/> results, best first.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    /// <exception cref="ArgumentException">The query is invalid, or a level is not defined.</exception>
    /// <exception cref="EmbeddingException">The embedder failed.</exception>
    ValueTask<IReadOnlyList<LeveledSearchResult>> SearchAsync(MemoryQuery query, IReadOnlyCollection<MemoryLevel>? levels = null, CancellationToken cancellationToken = default);

    /// <summary>Confirms a memory (it proved correct or useful): its validation count goes up by one, and it is promoted if due.</summary>
    /// <param name="id">The memory id.</param>
    /// <param name="scope">The scope of the request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The memory at its (possibly new) level, or null if there is none visible to <paramref name="scope"/> (an expired one is deleted).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> or <paramref name="scope"/> is null.</exception>
    ValueTask<LeveledMemory?> ValidateAsync(string id, MemoryScope scope, CancellationToken cancellationToken = default);

    /// <summary>Moves a memory to a level explicitly (up or down), whatever the rules say; the level's least valuable other memories of that scope beyond its capacity are evicted.</summary>
    /// <param name="id">The memory id.</param>
    /// <param name="scope">The scope of the request.</param>
    /// <param name="level">The level to move to.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The memory at its new level, or null if there is none visible to <paramref name="scope"/> (an expired one is deleted).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> or <paramref name="scope"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="level"/> is not defined.</exception>
    ValueTask<LeveledMemory?> MoveAsync(string id, MemoryScope scope, MemoryLevel level, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sweeps the hierarchy: promotes every memory whose rules say so (repeatedly, so a memory may climb several
    /// levels), deletes memories of short-lived levels idle past their level's limit, and evicts the least valuable
    /// memories of each level and scope beyond the level's capacity.
    /// </summary>
    /// <param name="scope">Only memories of exactly this scope; null for all.</param>
    /// <param name="cancellationToken">Cancels the call between memories; work done so far stays done.</param>
    /// <returns>What was done.</returns>
    ValueTask<HierarchyConsolidationReport> ConsolidateAsync(MemoryScope? scope = null, CancellationToken cancellationToken = default);

    /// <summary>Counts the leveled memories visible to a scope, per level.</summary>
    /// <param name="scope">The scope of the request; null counts every leveled memory.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A count for every level.</returns>
    ValueTask<IReadOnlyDictionary<MemoryLevel, int>> CountByLevelAsync(MemoryScope? scope = null, CancellationToken cancellationToken = default);
}
