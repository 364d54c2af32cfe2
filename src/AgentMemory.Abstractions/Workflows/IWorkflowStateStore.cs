namespace AgentMemory;

/// <summary>
/// Event-sourced workflow state: each workflow instance is an append-only sequence of events; its state is the
/// definition's reducer folded over them, rebuilt from the latest snapshot at or below the requested version.
/// </summary>
/// <remarks>
/// <para>
/// Appends use optimistic concurrency: the writer names the version it built its events on, and the append fails
/// with <see cref="WorkflowConcurrencyException"/> if another writer appended since, so of several concurrent
/// appends with the same expected version exactly one succeeds. An append is all-or-nothing.
/// </para>
/// <para>
/// A finished instance (<see cref="FinishAsync"/>) accepts no more events and is removed, events, snapshots and
/// all, when its retention period runs out.
/// </para>
/// <para>Implementations are thread-safe.</para>
/// </remarks>
public interface IWorkflowStateStore
{
    /// <summary>Appends events to a workflow instance, creating it when <paramref name="expectedVersion"/> is 0.</summary>
    /// <typeparam name="TState">The state type.</typeparam>
    /// <typeparam name="TEvent">The event type.</typeparam>
    /// <param name="definition">The instance's definition (used for snapshots).</param>
    /// <param name="instanceId">The instance.</param>
    /// <param name="events">The events, in order; at least one.</param>
    /// <param name="expectedVersion">The version the events were decided on: 0 for a new instance.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>The new version, and the snapshot taken if any.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="definition"/> or <paramref name="events"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="instanceId"/> is empty, <paramref name="events"/> is empty, <paramref name="expectedVersion"/> is negative, or the instance was created by another definition.</exception>
    /// <exception cref="WorkflowConcurrencyException">The instance is not at <paramref name="expectedVersion"/>.</exception>
    /// <exception cref="WorkflowFinishedException">The instance has finished.</exception>
    /// <exception cref="MemorySerializationException">An event or the snapshot state cannot be serialized.</exception>
    ValueTask<WorkflowAppendResult> AppendAsync<TState, TEvent>(WorkflowDefinition<TState, TEvent> definition, string instanceId, IReadOnlyList<TEvent> events, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Rebuilds an instance's state at its current version or at an earlier one.</summary>
    /// <typeparam name="TState">The state type.</typeparam>
    /// <typeparam name="TEvent">The event type.</typeparam>
    /// <param name="definition">The instance's definition.</param>
    /// <param name="instanceId">The instance.</param>
    /// <param name="atVersion">The version to replay to (0 gives the initial state); null for the current version.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The state, or <see langword="null"/> if the instance does not exist (or expired).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="definition"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="instanceId"/> is empty or the instance was created by another definition.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="atVersion"/> is negative or beyond the current version.</exception>
    ValueTask<WorkflowState<TState>?> GetStateAsync<TState, TEvent>(WorkflowDefinition<TState, TEvent> definition, string instanceId, long? atVersion = null, CancellationToken cancellationToken = default);

    /// <summary>Reads an instance's events in a version range.</summary>
    /// <typeparam name="TEvent">The event type.</typeparam>
    /// <param name="instanceId">The instance.</param>
    /// <param name="fromVersion">The first version to read; at least 1.</param>
    /// <param name="toVersion">The last version to read; null for the current version.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The events in version order; empty if the instance does not exist.</returns>
    /// <exception cref="ArgumentException"><paramref name="instanceId"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fromVersion"/> is less than 1.</exception>
    ValueTask<IReadOnlyList<WorkflowEvent<TEvent>>> ReadEventsAsync<TEvent>(string instanceId, long fromVersion = 1, long? toVersion = null, CancellationToken cancellationToken = default);

    /// <summary>Reads an instance's bookkeeping.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The information, or <see langword="null"/> if the instance does not exist.</returns>
    /// <exception cref="ArgumentException"><paramref name="instanceId"/> is empty.</exception>
    ValueTask<WorkflowInfo?> GetInfoAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>Finishes an instance: it accepts no more events and is removed when <paramref name="retention"/> runs out.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="status">The final status; not <see cref="WorkflowStatus.Running"/>.</param>
    /// <param name="retention">How long to keep it; null for the store's default.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns><see langword="true"/> if the instance existed and was running.</returns>
    /// <exception cref="ArgumentException"><paramref name="instanceId"/> is empty, or <paramref name="status"/> is Running or undefined.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="retention"/> is not positive.</exception>
    ValueTask<bool> FinishAsync(string instanceId, WorkflowStatus status, TimeSpan? retention = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes an instance with its events and snapshots.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns><see langword="true"/> if the instance existed.</returns>
    /// <exception cref="ArgumentException"><paramref name="instanceId"/> is empty.</exception>
    ValueTask<bool> DeleteAsync(string instanceId, CancellationToken cancellationToken = default);
}
