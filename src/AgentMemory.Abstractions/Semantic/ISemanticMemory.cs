namespace AgentMemory;

/// <summary>
/// Content memories for agents: store text with a type, importance, scope and provenance; retrieve the memories
/// most relevant to a query, ranked by relevance, recency and importance; keep short-term conversation memory; learn
/// key information from interactions; consolidate duplicates and forget what no longer matters.
/// </summary>
/// <remarks>
/// <para>
/// Every call names a <see cref="MemoryScope"/>; a memory is visible only to requests its scope allows (see
/// <see cref="MemoryScope.IsVisibleTo"/>), so tenants never see each other's memories. A memory that is not visible
/// behaves as if it did not exist.
/// </para>
/// <para>Implementations are thread-safe: every member may be called concurrently.</para>
/// </remarks>
public interface ISemanticMemory
{
    /// <summary>Embeds, stores and indexes a new memory (or replaces the memory with the same <see cref="MemoryInput.Id"/>).</summary>
    /// <param name="input">What to store.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored memory.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is null.</exception>
    /// <exception cref="ArgumentException">The content is empty, the importance is outside 0..1, or the type is not defined.</exception>
    /// <exception cref="EmbeddingException">The embedder failed.</exception>
    ValueTask<MemoryRecord> StoreAsync(MemoryInput input, CancellationToken cancellationToken = default);

    /// <summary>Stores several memories, embedding them in one batch.</summary>
    /// <param name="inputs">What to store.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored memories, in input order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="inputs"/> or one of its items is null.</exception>
    /// <exception cref="ArgumentException">An input is invalid (nothing is stored then).</exception>
    /// <exception cref="EmbeddingException">The embedder failed.</exception>
    ValueTask<IReadOnlyList<MemoryRecord>> StoreBatchAsync(IReadOnlyList<MemoryInput> inputs, CancellationToken cancellationToken = default);

    /// <summary>Reads a memory without counting it as accessed.</summary>
    /// <param name="id">The memory id.</param>
    /// <param name="scope">The scope of the request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The memory, or null if there is none with that id visible to <paramref name="scope"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> or <paramref name="scope"/> is null.</exception>
    ValueTask<MemoryRecord?> GetAsync(string id, MemoryScope scope, CancellationToken cancellationToken = default);

    /// <summary>Changes a memory; changed content is re-embedded and every index updated.</summary>
    /// <param name="id">The memory id.</param>
    /// <param name="scope">The scope of the request.</param>
    /// <param name="update">The changes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The updated memory, or null if there is none with that id visible to <paramref name="scope"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="id"/>, <paramref name="scope"/> or <paramref name="update"/> is null.</exception>
    /// <exception cref="ArgumentException">The new content is empty, the importance is outside 0..1, or the type is not defined.</exception>
    /// <exception cref="EmbeddingException">The embedder failed.</exception>
    ValueTask<MemoryRecord?> UpdateAsync(string id, MemoryScope scope, MemoryUpdate update, CancellationToken cancellationToken = default);

    /// <summary>Deletes a memory from the store and every index.</summary>
    /// <param name="id">The memory id.</param>
    /// <param name="scope">The scope of the request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True if a memory visible to <paramref name="scope"/> was deleted.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> or <paramref name="scope"/> is null.</exception>
    ValueTask<bool> DeleteAsync(string id, MemoryScope scope, CancellationToken cancellationToken = default);

    /// <summary>Finds the memories most relevant to a query, scored by relevance, recency and importance.</summary>
    /// <param name="query">The query, filters and limit.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Up to <see cref="MemoryQuery.Limit"/> results, best first.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    /// <exception cref="ArgumentException">The query text is empty, or a bound is out of range.</exception>
    /// <exception cref="EmbeddingException">The embedder failed.</exception>
    ValueTask<IReadOnlyList<MemorySearchResult>> RetrieveAsync(MemoryQuery query, CancellationToken cancellationToken = default);

    /// <summary>Runs several queries with the same filters and aggregates their results into one ranking.</summary>
    /// <param name="queries">The query texts.</param>
    /// <param name="template">The scope, filters and limit (its <see cref="MemoryQuery.Text"/> is ignored).</param>
    /// <param name="aggregation">How per-query scores combine.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Up to <see cref="MemoryQuery.Limit"/> results, best first; each carries its aggregated score and its best relevance.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="queries"/> or <paramref name="template"/> is null.</exception>
    /// <exception cref="ArgumentException">There are no queries, one is empty, or <paramref name="aggregation"/> is not defined.</exception>
    /// <exception cref="EmbeddingException">The embedder failed.</exception>
    ValueTask<IReadOnlyList<MemorySearchResult>> RetrieveMultiAsync(IReadOnlyList<string> queries, MemoryQuery template, MultiQueryAggregation aggregation = MultiQueryAggregation.Max, CancellationToken cancellationToken = default);

    /// <summary>
    /// Retrieves like <see cref="RetrieveAsync"/>, then follows each hit to related memories: those it names as
    /// sources, those that name it as a source, and its nearest neighbours by embedding similarity.
    /// </summary>
    /// <param name="query">The query, filters and limit of direct hits.</param>
    /// <param name="relatedPerHit">The most related memories to follow per hit; at least 0.</param>
    /// <param name="minSimilarity">The least embedding similarity for a neighbour to count as related.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The direct hits first, best first, then the related memories not already among them (scored like hits, their relevance being the similarity to the hit they came from).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    /// <exception cref="ArgumentException">The query is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="relatedPerHit"/> is negative.</exception>
    /// <exception cref="EmbeddingException">The embedder failed.</exception>
    ValueTask<IReadOnlyList<MemorySearchResult>> RetrieveContextualAsync(MemoryQuery query, int relatedPerHit = 3, double minSimilarity = 0.5, CancellationToken cancellationToken = default);

    /// <summary>Lists the memories formed within <paramref name="window"/> before now, newest first.</summary>
    /// <param name="scope">The scope of the request.</param>
    /// <param name="window">How far back to look; positive.</param>
    /// <param name="limit">The most memories to return; at least 1.</param>
    /// <param name="types">Only these types; null or empty for all.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The memories, newest first.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="scope"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/> is not positive or <paramref name="limit"/> is less than 1.</exception>
    ValueTask<IReadOnlyList<MemoryRecord>> GetRecentAsync(MemoryScope scope, TimeSpan window, int limit = 20, IReadOnlyCollection<MemoryType>? types = null, CancellationToken cancellationToken = default);

    /// <summary>Adds a turn to the short-term memory of a conversation; turns expire after the configured time to live.</summary>
    /// <param name="conversation">The scope of the conversation; its <see cref="MemoryScope.ConversationId"/> must be set.</param>
    /// <param name="role">Who spoke; not empty.</param>
    /// <param name="content">What was said; not empty.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored turn.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The scope has no conversation id, or <paramref name="role"/> or <paramref name="content"/> is empty.</exception>
    ValueTask<ConversationTurn> AddConversationTurnAsync(MemoryScope conversation, string role, string content, CancellationToken cancellationToken = default);

    /// <summary>Reads the live (unexpired) turns of a conversation, oldest first.</summary>
    /// <param name="conversation">The scope of the conversation; its <see cref="MemoryScope.ConversationId"/> must be set.</param>
    /// <param name="maxTurns">The most recent turns to return; at least 1.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Up to <paramref name="maxTurns"/> most recent turns, oldest first.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="conversation"/> is null.</exception>
    /// <exception cref="ArgumentException">The scope has no conversation id.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxTurns"/> is less than 1.</exception>
    ValueTask<IReadOnlyList<ConversationTurn>> GetConversationAsync(MemoryScope conversation, int maxTurns = 50, CancellationToken cancellationToken = default);

    /// <summary>
    /// Learns from one exchange: extracts key information from the user's message (names, dates, preferences, facts,
    /// work and location) and stores each piece as a memory, reinforcing an existing near-identical memory instead of
    /// duplicating it; the exchange itself is stored as an episodic memory.
    /// </summary>
    /// <param name="scope">Whose memory learns.</param>
    /// <param name="userMessage">What the user said; not empty.</param>
    /// <param name="assistantResponse">What the assistant answered, or null.</param>
    /// <param name="sourceIds">Ids of the turns the exchange came from, kept as provenance; null for none.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The memories stored or reinforced, the episodic memory of the exchange last.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="scope"/> or <paramref name="userMessage"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="userMessage"/> is empty.</exception>
    /// <exception cref="EmbeddingException">The embedder failed.</exception>
    ValueTask<IReadOnlyList<MemoryRecord>> LearnFromInteractionAsync(MemoryScope scope, string userMessage, string? assistantResponse = null, IReadOnlyList<string>? sourceIds = null, CancellationToken cancellationToken = default);

    /// <summary>Extracts key information from text without storing anything.</summary>
    /// <param name="text">The text.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What was found.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    ValueTask<IReadOnlyList<ExtractedMemory>> ExtractKeyInformationAsync(string text, CancellationToken cancellationToken = default);

    /// <summary>Merges near-duplicates, decays importance and cleans up, as <paramref name="options"/> say.</summary>
    /// <param name="options">What to do; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the call between memories; work done so far stays done.</param>
    /// <returns>What was done.</returns>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    ValueTask<ConsolidationReport> ConsolidateAsync(SemanticConsolidationOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Warms the semantic memory now instead of on first use: builds the indexes from the stored (persisted) memories
    /// if that has not happened yet, reads the most important memories of a scope back through the store (a tiered
    /// store keeps them in its hot tier) and returns them, and caches the embeddings and candidate sets of expected
    /// queries. Call it at start-up, or when a user's session begins.
    /// </summary>
    /// <param name="options">What to preload; null for the defaults (every memory of importance 0.8 or more, at most 100).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What was preloaded.</returns>
    /// <exception cref="ArgumentException">An option is out of range, or a warm-up query is invalid.</exception>
    /// <exception cref="EmbeddingException">The embedder failed.</exception>
    ValueTask<SemanticPreloadReport> PreloadAsync(SemanticPreloadOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Counts memories visible to <paramref name="scope"/> and reports retrieval figures.</summary>
    /// <param name="scope">The scope to count for; null counts every memory.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The statistics.</returns>
    ValueTask<SemanticMemoryStatistics> GetStatisticsAsync(MemoryScope? scope = null, CancellationToken cancellationToken = default);

    /// <summary>Checks that the embedder works and that every index agrees with the stored memories.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The health report.</returns>
    ValueTask<SemanticMemoryHealth> CheckHealthAsync(CancellationToken cancellationToken = default);
}
