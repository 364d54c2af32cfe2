namespace AgentMemory;

/// <summary>
/// The memory an agent framework's orchestrator and executors share: contexts with TTL and their event logs,
/// flow-run history, task outputs, embeddings, locks, health and statistics — one interface over the memory store.
/// </summary>
/// <remarks>
/// <para>Values are serialized with the store's serializer; reads return fresh copies.</para>
/// <para>Implementations are thread-safe.</para>
/// </remarks>
public interface IAgentMemory
{
    /// <summary>Stores a context, replacing the one under the same id (its event log is kept).</summary>
    /// <typeparam name="T">The type of the context data.</typeparam>
    /// <param name="contextId">The context.</param>
    /// <param name="data">The context data.</param>
    /// <param name="ttl">How long the context lives; null for no expiry.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>A task that completes when the context is stored.</returns>
    /// <exception cref="ArgumentException"><paramref name="contextId"/> is null, empty or too long.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ttl"/> is not positive.</exception>
    /// <exception cref="MemorySerializationException">The data cannot be serialized.</exception>
    ValueTask SetContextAsync<T>(string contextId, T data, TimeSpan? ttl = null, CancellationToken cancellationToken = default);

    /// <summary>Reads a context.</summary>
    /// <typeparam name="T">The type of the context data.</typeparam>
    /// <param name="contextId">The context.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The context, or <see langword="null"/> if there is none or it expired.</returns>
    /// <exception cref="ArgumentException"><paramref name="contextId"/> is null or empty.</exception>
    /// <exception cref="MemorySerializationException">The stored data is not a <typeparamref name="T"/>.</exception>
    ValueTask<AgentContext<T>?> GetContextAsync<T>(string contextId, CancellationToken cancellationToken = default);

    /// <summary>Removes a context and its event log.</summary>
    /// <param name="contextId">The context.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> if there was a context or an event log.</returns>
    /// <exception cref="ArgumentException"><paramref name="contextId"/> is null or empty.</exception>
    ValueTask<bool> ClearContextAsync(string contextId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends an event to a context's event log. An event takes the context's expiry at the time of the append,
    /// so the log expires with the context; without a live context the event does not expire.
    /// </summary>
    /// <typeparam name="T">The type of the event.</typeparam>
    /// <param name="contextId">The context.</param>
    /// <param name="eventData">The event.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>The event's sequence number in the log, from 1.</returns>
    /// <exception cref="ArgumentException"><paramref name="contextId"/> is null, empty or too long.</exception>
    /// <exception cref="MemorySerializationException">The event cannot be serialized.</exception>
    ValueTask<long> AppendEventAsync<T>(string contextId, T eventData, CancellationToken cancellationToken = default);

    /// <summary>Reads a context's event log, oldest first.</summary>
    /// <typeparam name="T">The type to read the events as.</typeparam>
    /// <param name="contextId">The context.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The live events in append order; empty if there are none.</returns>
    /// <exception cref="ArgumentException"><paramref name="contextId"/> is null or empty.</exception>
    /// <exception cref="MemorySerializationException">An event is not a <typeparamref name="T"/>.</exception>
    ValueTask<IReadOnlyList<T>> GetEventsAsync<T>(string contextId, CancellationToken cancellationToken = default);

    /// <summary>Appends an entry to a flow's run history.</summary>
    /// <typeparam name="T">The type of the run data.</typeparam>
    /// <param name="flowId">The flow.</param>
    /// <param name="runId">The run.</param>
    /// <param name="data">The run data.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>The entry as written.</returns>
    /// <exception cref="ArgumentException"><paramref name="flowId"/> or <paramref name="runId"/> is null, empty or too long.</exception>
    /// <exception cref="MemorySerializationException">The data cannot be serialized.</exception>
    ValueTask<FlowRunRecord<T>> WriteFlowRunAsync<T>(string flowId, string runId, T data, CancellationToken cancellationToken = default);

    /// <summary>Reads a flow's run history, newest first.</summary>
    /// <typeparam name="T">The type to read the run data as.</typeparam>
    /// <param name="flowId">The flow.</param>
    /// <param name="runId">Only this run's entries; null for every run.</param>
    /// <param name="limit">The most entries to return; at least 1.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entries, newest first.</returns>
    /// <exception cref="ArgumentException"><paramref name="flowId"/> is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is less than 1.</exception>
    /// <exception cref="MemorySerializationException">An entry's data is not a <typeparamref name="T"/>.</exception>
    ValueTask<IReadOnlyList<FlowRunRecord<T>>> ReadFlowRunsAsync<T>(string flowId, string? runId = null, int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>Stores a task's output with metadata, replacing an earlier output of the same task.</summary>
    /// <typeparam name="T">The type of the output.</typeparam>
    /// <param name="taskId">The task.</param>
    /// <param name="output">The output.</param>
    /// <param name="options">Metadata, TTL and an optional fencing lease; null for none.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>A task that completes when the output is stored.</returns>
    /// <exception cref="ArgumentException"><paramref name="taskId"/> is null, empty or too long, or the options are invalid.</exception>
    /// <exception cref="MemoryFencingException">A fence was given and its token is no longer the newest on its resource.</exception>
    /// <exception cref="MemorySerializationException">The output cannot be serialized.</exception>
    ValueTask WriteTaskOutputAsync<T>(string taskId, T output, TaskOutputOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Reads a task's output.</summary>
    /// <typeparam name="T">The type to read the output as.</typeparam>
    /// <param name="taskId">The task.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The output with its metadata, or <see langword="null"/> if there is none.</returns>
    /// <exception cref="ArgumentException"><paramref name="taskId"/> is null or empty.</exception>
    /// <exception cref="MemorySerializationException">The output is not a <typeparamref name="T"/>.</exception>
    ValueTask<TaskOutput<T>?> ReadTaskOutputAsync<T>(string taskId, CancellationToken cancellationToken = default);

    /// <summary>Indexes an embedding under an id, replacing one already there.</summary>
    /// <param name="id">The embedding's id.</param>
    /// <param name="embedding">The vector; not empty, and of the configured dimension if one is configured.</param>
    /// <param name="metadata">Metadata to filter queries on and return with matches.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>A task that completes when the embedding is indexed.</returns>
    /// <exception cref="ArgumentException"><paramref name="id"/> is null, empty or too long, or <paramref name="embedding"/> is empty, of the wrong dimension, all zeros, or has a non-finite component.</exception>
    ValueTask IndexEmbeddingAsync(string id, ReadOnlyMemory<float> embedding, IReadOnlyDictionary<string, MetadataValue>? metadata = null, CancellationToken cancellationToken = default);

    /// <summary>Finds the indexed embeddings most similar (cosine) to a query vector.</summary>
    /// <param name="query">The query vector.</param>
    /// <param name="topK">The most matches to return; at least 1.</param>
    /// <param name="filter">Metadata fields a match must have, with equal values; null for no filter.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The matches, most similar first. Embeddings of another dimension than the query are skipped.</returns>
    /// <exception cref="ArgumentException"><paramref name="query"/> is empty, of the wrong dimension, all zeros, or has a non-finite component.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="topK"/> is less than 1.</exception>
    ValueTask<IReadOnlyList<EmbeddingMatch>> QueryEmbeddingsAsync(ReadOnlyMemory<float> query, int topK = 10, IReadOnlyDictionary<string, MetadataValue>? filter = null, CancellationToken cancellationToken = default);

    /// <summary>Removes an embedding from the index.</summary>
    /// <param name="id">The embedding's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> if it was indexed.</returns>
    /// <exception cref="ArgumentException"><paramref name="id"/> is null or empty.</exception>
    ValueTask<bool> DeleteEmbeddingAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Acquires a lock; dispose the lease (<c>await using</c>) to release it.</summary>
    /// <param name="name">The lock's name.</param>
    /// <param name="options">Lease length and wait timeout; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The lease.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or too long, or an option is out of range.</exception>
    /// <exception cref="MemoryLockTimeoutException">The lock was not granted within the wait timeout.</exception>
    ValueTask<ILockLease> AcquireLockAsync(string name, LockOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Checks each component (store, locks, agents, embeddings) and reports its health with reasons.</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The report; a component whose check throws is reported unhealthy, not thrown.</returns>
    ValueTask<AgentMemoryHealthReport> CheckHealthAsync(CancellationToken cancellationToken = default);

    /// <summary>Counts what the memory holds.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The statistics.</returns>
    ValueTask<AgentMemoryStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default);

    /// <summary>Opens the working memory of one agent (short-term context, long-term facts, active context).</summary>
    /// <param name="agentId">The agent.</param>
    /// <param name="options">Capacities, TTL and importance threshold; null for the defaults.</param>
    /// <returns>The agent's working memory; instances for the same agent share their stored state.</returns>
    /// <exception cref="ArgumentException"><paramref name="agentId"/> is null or empty, or an option is invalid.</exception>
    IWorkingMemory OpenWorkingMemory(string agentId, WorkingMemoryOptions? options = null);
}
