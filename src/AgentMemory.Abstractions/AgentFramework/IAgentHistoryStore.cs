namespace AgentMemory;

/// <summary>
/// Where an agent framework's flow-run history and task outputs live when they outgrow the memory store: the same
/// four calls as <see cref="IAgentMemory"/>'s history methods, with the same arguments, results and exceptions, so
/// a facade can forward them unchanged to a server-backed implementation (PostgreSQL's
/// <c>PostgreSqlAgentHistoryStore</c>).
/// </summary>
/// <remarks>Implementations are thread-safe.</remarks>
public interface IAgentHistoryStore
{
    /// <summary>Appends an entry to a flow's run history; sequence numbers of one flow are consecutive from 1.</summary>
    /// <typeparam name="T">The type of the run data.</typeparam>
    /// <param name="flowId">The flow.</param>
    /// <param name="runId">The run.</param>
    /// <param name="data">The run data.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>The entry as written.</returns>
    /// <exception cref="ArgumentException"><paramref name="flowId"/> or <paramref name="runId"/> is null, empty or too long.</exception>
    /// <exception cref="MemorySerializationException">The data cannot be serialized.</exception>
    /// <exception cref="MemoryStorageException">The storage failed.</exception>
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
    /// <exception cref="MemoryStorageException">The storage failed.</exception>
    ValueTask<IReadOnlyList<FlowRunRecord<T>>> ReadFlowRunsAsync<T>(string flowId, string? runId = null, int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>Stores a task's output with metadata, replacing an earlier output of the same task.</summary>
    /// <typeparam name="T">The type of the output.</typeparam>
    /// <param name="taskId">The task.</param>
    /// <param name="output">The output.</param>
    /// <param name="options">Metadata, TTL and an optional fencing lease; null for none.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>A task that completes when the output is stored.</returns>
    /// <exception cref="ArgumentException"><paramref name="taskId"/> is null, empty or too long, or the options are invalid.</exception>
    /// <exception cref="MemoryFencingException">A fence was given and a newer token has already written on its resource.</exception>
    /// <exception cref="MemorySerializationException">The output cannot be serialized.</exception>
    /// <exception cref="MemoryStorageException">The storage failed.</exception>
    ValueTask WriteTaskOutputAsync<T>(string taskId, T output, TaskOutputOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Reads a task's output.</summary>
    /// <typeparam name="T">The type to read the output as.</typeparam>
    /// <param name="taskId">The task.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The output with its metadata, or <see langword="null"/> if there is none or it expired.</returns>
    /// <exception cref="ArgumentException"><paramref name="taskId"/> is null or empty.</exception>
    /// <exception cref="MemorySerializationException">The output is not a <typeparamref name="T"/>.</exception>
    /// <exception cref="MemoryStorageException">The storage failed.</exception>
    ValueTask<TaskOutput<T>?> ReadTaskOutputAsync<T>(string taskId, CancellationToken cancellationToken = default);
}
