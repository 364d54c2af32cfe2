using AgentMemory.Coordination;

namespace AgentMemory.Workflows;

/// <summary>
/// An <see cref="IWorkflowStateStore"/> over an <see cref="IMemoryStore"/>: every event, every snapshot and the
/// instance's head record are store entries of <see cref="MemoryPriority.Critical"/> priority, so workflows
/// persist whenever the store does. Use one workflow store per memory store.
/// </summary>
/// <remarks>
/// <para>
/// Events and snapshots are serialized with the store's own serializer. Appends to one instance are serialized on
/// one of a fixed set of async gates: the events are written first and the head's version last, so a reader never
/// sees a half-done append. Rebuilding the state loads the newest snapshot at or below the requested version and
/// replays the events after it (at most <see cref="WorkflowDefinition{TState, TEvent}.SnapshotInterval"/> of them).
/// </para>
/// <para>
/// Finishing an instance rewrites its entries with an absolute expiration (time linear in its event count), so the
/// store's own expiry removes them when the retention runs out.
/// </para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed class MemoryStoreWorkflowStateStore : IWorkflowStateStore, IDisposable
{
    private const int StripeCount = 64;
    private const int ReadChunk = 512;
    private const string TimestampField = "at";

    private readonly IMemoryStore _store;
    private readonly IMemoryOperations _operations;
    private readonly WorkflowStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly GateStripes _gates = new(StripeCount);

    /// <summary>Creates a workflow store over a memory store.</summary>
    /// <param name="store">The memory store.</param>
    /// <param name="operations">The batch operations of the same store.</param>
    /// <param name="options">Key prefix and retention, copied now; null for the defaults.</param>
    /// <param name="timeProvider">The clock for timestamps and retention; null for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> or <paramref name="operations"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public MemoryStoreWorkflowStateStore(IMemoryStore store, IMemoryOperations operations, WorkflowStoreOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(operations);
        options ??= new WorkflowStoreOptions();
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _store = store;
        _operations = operations;
        _options = options.Copy();
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public async ValueTask<WorkflowAppendResult> AppendAsync<TState, TEvent>(WorkflowDefinition<TState, TEvent> definition, string instanceId, IReadOnlyList<TEvent> events, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            throw new ArgumentException("An append needs at least one event.", nameof(events));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        using (await _gates.EnterAsync(instanceId, cancellationToken).ConfigureAwait(false))
        {
            var now = _time.GetUtcNow();
            var head = await ReadHeadAsync(instanceId, cancellationToken).ConfigureAwait(false);
            var current = head?.Version ?? 0;
            if (current != expectedVersion)
            {
                throw new WorkflowConcurrencyException(instanceId, expectedVersion, current);
            }

            if (head is not null)
            {
                CheckDefinition(head, definition.Name);
                if (head.Status != WorkflowStatus.Running)
                {
                    throw new WorkflowFinishedException(instanceId, head.Status);
                }
            }

            head ??= new WorkflowHead { Id = instanceId, Definition = definition.Name, Status = WorkflowStatus.Running, CreatedAt = now };
            var entryOptions = new MemoryEntryOptions
            {
                Priority = MemoryPriority.Critical,
                Metadata = new Dictionary<string, MetadataValue> { [TimestampField] = now.ToUnixTimeMilliseconds() },
            };
            var newVersion = current + events.Count;
            try
            {
                for (var i = 0; i < events.Count; i++)
                {
                    await _store.StoreAsync(EventKey(instanceId, current + i + 1), events[i], entryOptions, cancellationToken).ConfigureAwait(false);
                }

                long? snapshotVersion = null;
                var interval = definition.SnapshotInterval;
                if (interval > 0 && newVersion / interval > current / interval)
                {
                    snapshotVersion = newVersion / interval * interval;
                    var (state, _) = await LoadStateAsync(definition, head, current, cancellationToken).ConfigureAwait(false);
                    for (var v = current + 1; v <= snapshotVersion; v++)
                    {
                        state = definition.Apply(state, events[(int)(v - current - 1)]);
                    }

                    await _store.StoreAsync(SnapshotKey(instanceId, snapshotVersion.Value), state, new MemoryEntryOptions { Priority = MemoryPriority.Critical }, cancellationToken).ConfigureAwait(false);
                    head.Snapshots.Add(snapshotVersion.Value);
                }

                head.Version = newVersion;
                head.UpdatedAt = now;
                await WriteHeadAsync(head, null, cancellationToken).ConfigureAwait(false);
                return new WorkflowAppendResult(newVersion, snapshotVersion);
            }
            catch
            {
                // All or nothing: drop what this append wrote past the committed version.
                var orphans = Enumerable.Range(1, events.Count).Select(i => EventKey(instanceId, current + i)).ToList();
                if (head.Snapshots.Count > 0 && head.Snapshots[^1] > current && head.Version == current)
                {
                    orphans.Add(SnapshotKey(instanceId, head.Snapshots[^1]));
                }

                await _operations.DeleteManyAsync(orphans, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<WorkflowState<TState>?> GetStateAsync<TState, TEvent>(WorkflowDefinition<TState, TEvent> definition, string instanceId, long? atVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        var head = await ReadHeadAsync(instanceId, cancellationToken).ConfigureAwait(false);
        if (head is null)
        {
            return null;
        }

        CheckDefinition(head, definition.Name);
        var target = atVersion ?? head.Version;
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(atVersion));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(target, head.Version, nameof(atVersion));
        var (state, version) = await LoadStateAsync(definition, head, target, cancellationToken).ConfigureAwait(false);
        return new WorkflowState<TState>(instanceId, version, state, head.Status);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<WorkflowEvent<TEvent>>> ReadEventsAsync<TEvent>(string instanceId, long fromVersion = 1, long? toVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        ArgumentOutOfRangeException.ThrowIfLessThan(fromVersion, 1);
        var head = await ReadHeadAsync(instanceId, cancellationToken).ConfigureAwait(false);
        if (head is null)
        {
            return [];
        }

        var last = Math.Min(toVersion ?? head.Version, head.Version);
        var result = new List<WorkflowEvent<TEvent>>((int)Math.Max(0, Math.Min(last - fromVersion + 1, 4096)));
        await foreach (var (version, item) in ReadRangeAsync<TEvent>(instanceId, fromVersion, last, cancellationToken).ConfigureAwait(false))
        {
            var metadata = await _store.GetMetadataAsync(EventKey(instanceId, version), cancellationToken).ConfigureAwait(false);
            var at = metadata is not null && metadata.TryGetValue(TimestampField, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms.AsInt64()) : head.UpdatedAt;
            result.Add(new WorkflowEvent<TEvent>(version, at, item));
        }

        return result;
    }

    /// <inheritdoc />
    public async ValueTask<WorkflowInfo?> GetInfoAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        return (await ReadHeadAsync(instanceId, cancellationToken).ConfigureAwait(false))?.ToInfo();
    }

    /// <inheritdoc />
    public async ValueTask<bool> FinishAsync(string instanceId, WorkflowStatus status, TimeSpan? retention = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        if (status == WorkflowStatus.Running || !Enum.IsDefined(status))
        {
            throw new ArgumentException($"A workflow finishes as Completed, Failed or Cancelled, not {status}.", nameof(status));
        }

        var keep = retention ?? _options.FinishedRetention;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(keep, TimeSpan.Zero, nameof(retention));
        using (await _gates.EnterAsync(instanceId, cancellationToken).ConfigureAwait(false))
        {
            var head = await ReadHeadAsync(instanceId, cancellationToken).ConfigureAwait(false);
            if (head is null || head.Status != WorkflowStatus.Running)
            {
                return false;
            }

            var now = _time.GetUtcNow();
            var expiresAt = now + keep;
            foreach (var key in DataKeys(head))
            {
                await ExpireAsync(key, expiresAt, cancellationToken).ConfigureAwait(false);
            }

            head.Status = status;
            head.UpdatedAt = now;
            head.ExpiresAt = expiresAt;
            await WriteHeadAsync(head, expiresAt, cancellationToken).ConfigureAwait(false);
            return true;
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        using (await _gates.EnterAsync(instanceId, cancellationToken).ConfigureAwait(false))
        {
            var head = await ReadHeadAsync(instanceId, cancellationToken).ConfigureAwait(false);
            if (head is null)
            {
                return false;
            }

            await _operations.DeleteManyAsync(DataKeys(head).Append(HeadKey(instanceId)), cancellationToken).ConfigureAwait(false);
            return true;
        }
    }

    /// <summary>Frees the gates. Call only after every operation has completed.</summary>
    public void Dispose() => _gates.Dispose();

    private static void CheckDefinition(WorkflowHead head, string definition)
    {
        if (!string.Equals(head.Definition, definition, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Workflow '{head.Id}' was created by definition '{head.Definition}', not '{definition}'.", nameof(definition));
        }
    }

    private async ValueTask<(TState State, long Version)> LoadStateAsync<TState, TEvent>(WorkflowDefinition<TState, TEvent> definition, WorkflowHead head, long target, CancellationToken cancellationToken)
    {
        var state = definition.InitialState();
        long from = 0;
        for (var i = head.Snapshots.Count - 1; i >= 0; i--)
        {
            var candidate = head.Snapshots[i];
            if (candidate > target)
            {
                continue;
            }

            var snapshot = await _store.TryRetrieveAsync<TState>(SnapshotKey(head.Id, candidate), cancellationToken).ConfigureAwait(false);
            if (snapshot.Found)
            {
                state = snapshot.Value!;
                from = candidate;
                break;
            }
        }

        await foreach (var (_, item) in ReadRangeAsync<TEvent>(head.Id, from + 1, target, cancellationToken).ConfigureAwait(false))
        {
            state = definition.Apply(state, item);
        }

        return (state, target);
    }

    private async IAsyncEnumerable<(long Version, TEvent Event)> ReadRangeAsync<TEvent>(string instanceId, long from, long to, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var keys = new List<string>(ReadChunk);
        for (var start = from; start <= to; start += ReadChunk)
        {
            var end = Math.Min(to, start + ReadChunk - 1);
            keys.Clear();
            for (var v = start; v <= end; v++)
            {
                keys.Add(EventKey(instanceId, v));
            }

            var values = await _operations.RetrieveManyAsync<TEvent>(keys, cancellationToken).ConfigureAwait(false);
            for (var v = start; v <= end; v++)
            {
                var key = keys[(int)(v - start)];
                if (!values.TryGetValue(key, out var item))
                {
                    throw new MemoryStorageException(key, $"Event {v} of workflow '{instanceId}' is missing from the store.", null);
                }

                yield return (v, item);
            }
        }
    }

    private IEnumerable<string> DataKeys(WorkflowHead head)
    {
        for (long v = 1; v <= head.Version; v++)
        {
            yield return EventKey(head.Id, v);
        }

        foreach (var snapshot in head.Snapshots)
        {
            yield return SnapshotKey(head.Id, snapshot);
        }
    }

    private async ValueTask ExpireAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var raw = await _store.RetrieveRawAsync(key, cancellationToken).ConfigureAwait(false);
        if (raw is null)
        {
            return;
        }

        var metadata = await _store.GetMetadataAsync(key, cancellationToken).ConfigureAwait(false);
        await _store.StoreRawAsync(key, raw.Value, new MemoryEntryOptions { AbsoluteExpiration = expiresAt, Priority = MemoryPriority.Critical, Metadata = metadata }, cancellationToken).ConfigureAwait(false);
    }

    private ValueTask<WorkflowHead?> ReadHeadAsync(string instanceId, CancellationToken cancellationToken)
        => StoredJson.ReadAsync(_store, HeadKey(instanceId), WorkflowsJsonContext.Default.WorkflowHead, cancellationToken);

    private ValueTask WriteHeadAsync(WorkflowHead head, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
        => StoredJson.WriteAsync(_store, HeadKey(head.Id), head, WorkflowsJsonContext.Default.WorkflowHead, new MemoryEntryOptions { Priority = MemoryPriority.Critical, AbsoluteExpiration = expiresAt }, cancellationToken);

    private string HeadKey(string instanceId) => string.Concat(_options.KeyPrefix, instanceId, ":head");

    private string EventKey(string instanceId, long version) => string.Concat(_options.KeyPrefix, instanceId, ":e:", version.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private string SnapshotKey(string instanceId, long version) => string.Concat(_options.KeyPrefix, instanceId, ":s:", version.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
