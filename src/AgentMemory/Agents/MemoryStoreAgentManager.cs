using AgentMemory.Coordination;

namespace AgentMemory.Agents;

/// <summary>
/// An <see cref="IAgentManager"/> whose agent records (registration, heartbeat, tasks, counters) live in an
/// <see cref="IMemoryStore"/>, so they persist whenever the store does. Use one manager per store.
/// </summary>
/// <remarks>
/// <para>
/// Each agent is one store entry of <see cref="MemoryPriority.Critical"/> priority, listed in an index hash; each operation on it is a
/// read-modify-write serialized on one of a fixed set of async gates, so it is atomic with respect to every other
/// operation of this manager. Availability is computed from the last heartbeat on the injected
/// <see cref="TimeProvider"/> at read time: nothing needs to run for an agent to become unavailable.
/// </para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed partial class MemoryStoreAgentManager : IAgentManager, IDisposable
{
    private const int StripeCount = 64;

    private readonly IMemoryStore _store;
    private readonly IMemoryOperations _operations;
    private readonly AgentManagerOptions _options;
    private readonly TimeProvider _time;
    private readonly GateStripes _gates = new(StripeCount);
    private readonly SemaphoreSlim _indexGate = new(1, 1);

    /// <summary>Creates a manager over a store.</summary>
    /// <param name="store">The store that holds the agent records.</param>
    /// <param name="operations">The atomic operations of the same store (for the round-robin cursor).</param>
    /// <param name="options">Key prefix and heartbeat TTL, copied now; null for the defaults.</param>
    /// <param name="timeProvider">The clock for heartbeats and durations; null for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> or <paramref name="operations"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public MemoryStoreAgentManager(IMemoryStore store, IMemoryOperations operations, AgentManagerOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(operations);
        options ??= new AgentManagerOptions();
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

    internal IMemoryStore Store => _store;

    internal AgentManagerOptions Options => _options;

    internal TimeProvider Time => _time;

    /// <inheritdoc />
    public async ValueTask<AgentDescriptor> RegisterAgentAsync(AgentInfo agent, IEnumerable<string> capabilities, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(capabilities);
        ArgumentException.ThrowIfNullOrEmpty(agent.Id, nameof(agent));
        ArgumentException.ThrowIfNullOrEmpty(agent.Type, nameof(agent));
        if (agent.MaxConcurrentTasks < 1)
        {
            throw new ArgumentException($"{nameof(AgentInfo)}.{nameof(AgentInfo.MaxConcurrentTasks)} must be at least 1; it is {agent.MaxConcurrentTasks}.", nameof(agent));
        }

        var caps = new List<string>();
        foreach (var capability in capabilities)
        {
            ArgumentNullException.ThrowIfNull(capability, nameof(capabilities));
            if (!caps.Contains(capability, StringComparer.Ordinal))
            {
                caps.Add(capability);
            }
        }

        AgentDescriptor descriptor;
        using (await _gates.EnterAsync(agent.Id, cancellationToken).ConfigureAwait(false))
        {
            var now = _time.GetUtcNow();
            var record = await ReadAsync(agent.Id, cancellationToken).ConfigureAwait(false) ?? new AgentRecord { Id = agent.Id };
            record.Type = agent.Type;
            record.Endpoint = agent.Endpoint;
            record.MaxConcurrentTasks = agent.MaxConcurrentTasks;
            record.Metadata = agent.Metadata is null ? null : new Dictionary<string, string>(agent.Metadata, StringComparer.Ordinal);
            record.Capabilities = caps;
            record.RegisteredAt = now;
            record.LastHeartbeat = now;
            record.Promote(now);
            await WriteAsync(record, cancellationToken).ConfigureAwait(false);
            descriptor = record.ToDescriptor(now, _options.HeartbeatTtl);
        }

        // Outside the agent's gate (gates are not reentrant). A stale index entry is harmless: readers skip ids
        // without a record; a registered agent is never left out, because unregistering removes both under the gate.
        await AddToIndexAsync(agent.Id, cancellationToken).ConfigureAwait(false);
        return descriptor;
    }

    /// <inheritdoc />
    public async ValueTask<bool> UnregisterAgentAsync(string agentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        using (await _gates.EnterAsync(agentId, cancellationToken).ConfigureAwait(false))
        {
            var deleted = await _store.DeleteAsync(AgentKey(agentId), cancellationToken).ConfigureAwait(false);
            await _operations.DeleteHashFieldAsync(IndexKey, agentId, cancellationToken).ConfigureAwait(false);
            return deleted;
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> HeartbeatAsync(string agentId, CancellationToken cancellationToken = default)
        => await UpdateAsync(agentId, static (record, now) => { record.LastHeartbeat = now; return true; }, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<AgentDescriptor?> GetAgentAsync(string agentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        var record = await ReadAsync(agentId, cancellationToken).ConfigureAwait(false);
        return record?.ToDescriptor(_time.GetUtcNow(), _options.HeartbeatTtl);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<AgentDescriptor>> ListAgentsAsync(CancellationToken cancellationToken = default)
    {
        var records = await ReadAllAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        return records.Select(r => r.ToDescriptor(now, _options.HeartbeatTtl)).ToArray();
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<AgentDescriptor>> GetAvailableAgentsAsync(string? capability = null, CancellationToken cancellationToken = default)
    {
        var all = await ListAgentsAsync(cancellationToken).ConfigureAwait(false);
        return all.Where(a => a.Status is AgentStatus.Idle or AgentStatus.Working
                && (capability is null || a.Capabilities.Contains(capability, StringComparer.Ordinal)))
            .ToArray();
    }

    /// <inheritdoc />
    public ValueTask<AgentTaskAssignment> AssignTaskAsync(AgentTask task, string agentId, CancellationToken cancellationToken = default)
    {
        ValidateTask(task);
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        return AssignCoreAsync(TaskRecord.From(task, default), agentId, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<bool> CompleteTaskAsync(string agentId, string taskId, bool succeeded = true, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        return await UpdateAsync(
            agentId,
            (record, now) =>
            {
                var index = record.Tasks.FindIndex(t => t.Id == taskId);
                if (index < 0)
                {
                    return false;
                }

                var task = record.Tasks[index];
                record.Tasks.RemoveAt(index);
                record.TotalDurationTicks += (now - (task.StartedAt ?? task.AssignedAt)).Ticks;
                if (succeeded)
                {
                    record.Completed++;
                }
                else
                {
                    record.Failed++;
                }

                record.Promote(now);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<AgentTaskAssignment>> GetAgentTasksAsync(string agentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        var record = await ReadAsync(agentId, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return [];
        }

        return record.Tasks.OrderBy(t => t.StartedAt is null ? 1 : 0).Select(record.ToAssignment).ToArray();
    }

    /// <inheritdoc />
    public async ValueTask<AgentStatus?> GetAgentStatusAsync(string agentId, CancellationToken cancellationToken = default)
        => (await GetAgentAsync(agentId, cancellationToken).ConfigureAwait(false))?.Status;

    /// <inheritdoc />
    public async ValueTask<AgentMetrics?> GetAgentMetricsAsync(string agentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        var record = await ReadAsync(agentId, cancellationToken).ConfigureAwait(false);
        return record is null ? null : MetricsOf(record);
    }

    /// <summary>Frees the gates. Call only after every operation has completed.</summary>
    public void Dispose()
    {
        _gates.Dispose();
        _indexGate.Dispose();
    }

    internal static AgentMetrics MetricsOf(AgentRecord record)
    {
        var finished = record.Completed + record.Failed;
        var average = finished == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(record.TotalDurationTicks / finished);
        return new AgentMetrics(record.Id, record.Assigned, record.Completed, record.Failed, average, record.Running, record.Queued);
    }

    internal async ValueTask<AgentRecord?> ReadAsync(string agentId, CancellationToken cancellationToken)
        => await StoredJson.ReadAsync(_store, AgentKey(agentId), AgentsJsonContext.Default.AgentRecord, cancellationToken).ConfigureAwait(false);

    internal async ValueTask<List<AgentRecord>> ReadAllAsync(CancellationToken cancellationToken)
    {
        // The index (a hash of agent ids) saves a scan of the whole store's keys.
        var index = await _operations.GetHashAsync<long>(IndexKey, cancellationToken).ConfigureAwait(false);
        var records = new List<AgentRecord>(index.Count);
        foreach (var agentId in index.Keys.Order(StringComparer.Ordinal))
        {
            var record = await ReadAsync(agentId, cancellationToken).ConfigureAwait(false);
            if (record is not null)
            {
                records.Add(record);
            }
        }

        return records;
    }

    /// <summary>Runs a read-modify-write on one agent under its gate; returns false without writing when the agent is not registered.</summary>
    internal async ValueTask<bool> UpdateAsync(string agentId, Func<AgentRecord, DateTimeOffset, bool> mutate, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        using (await _gates.EnterAsync(agentId, cancellationToken).ConfigureAwait(false))
        {
            var record = await ReadAsync(agentId, cancellationToken).ConfigureAwait(false);
            if (record is null || !mutate(record, _time.GetUtcNow()))
            {
                return false;
            }

            await WriteAsync(record, cancellationToken).ConfigureAwait(false);
            return true;
        }
    }

    internal async ValueTask<AgentTaskAssignment> AssignCoreAsync(TaskRecord task, string agentId, CancellationToken cancellationToken)
    {
        using (await _gates.EnterAsync(agentId, cancellationToken).ConfigureAwait(false))
        {
            var now = _time.GetUtcNow();
            var record = await ReadAsync(agentId, cancellationToken).ConfigureAwait(false)
                ?? throw new AgentUnavailableException(agentId, $"Agent '{agentId}' is not registered.");
            if (!record.IsAlive(now, _options.HeartbeatTtl))
            {
                throw new AgentUnavailableException(agentId, $"Agent '{agentId}' is unavailable: its last heartbeat was at {record.LastHeartbeat:O}, more than {_options.HeartbeatTtl} ago.");
            }

            if (!record.HasAll(task.RequiredCapabilities))
            {
                var missing = task.RequiredCapabilities!.Where(c => !record.Capabilities.Contains(c, StringComparer.Ordinal));
                throw new AgentUnavailableException(agentId, $"Agent '{agentId}' lacks the capabilities task '{task.Id}' requires: {string.Join(", ", missing)}.");
            }

            if (record.Tasks.Exists(t => t.Id == task.Id))
            {
                throw new ArgumentException($"Agent '{agentId}' already holds a task with id '{task.Id}'.", nameof(task));
            }

            task.AssignedAt = now;
            task.StartedAt = null;
            record.Tasks.Add(task);
            record.Assigned++;
            record.Promote(now);
            await WriteAsync(record, cancellationToken).ConfigureAwait(false);
            return record.ToAssignment(task);
        }
    }

    /// <summary>Adds an agent id to the index hash, creating the hash with Critical priority so eviction takes it last.</summary>
    private async ValueTask AddToIndexAsync(string agentId, CancellationToken cancellationToken)
    {
        await _indexGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await _store.ExistsAsync(IndexKey, cancellationToken).ConfigureAwait(false))
            {
                await _operations.SetHashFieldAsync(IndexKey, agentId, 1L, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var fields = new Dictionary<string, long>(StringComparer.Ordinal) { [agentId] = 1L };
                await _operations.SetHashAsync(IndexKey, fields, new MemoryEntryOptions { Priority = MemoryPriority.Critical }, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _indexGate.Release();
        }
    }

    private static void ValidateTask(AgentTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (string.IsNullOrEmpty(task.Id))
        {
            throw new ArgumentException("A task's id must not be null or empty.", nameof(task));
        }

        if (task.RequiredCapabilities?.Any(c => c is null) == true)
        {
            throw new ArgumentException($"Task '{task.Id}' lists a null required capability.", nameof(task));
        }
    }

    private ValueTask WriteAsync(AgentRecord record, CancellationToken cancellationToken)
        => StoredJson.WriteAsync(_store, AgentKey(record.Id), record, AgentsJsonContext.Default.AgentRecord, new MemoryEntryOptions { Priority = MemoryPriority.Critical }, cancellationToken);

    private string IndexKey => _options.KeyPrefix + "index";

    private string AgentKey(string agentId) => string.Concat(_options.KeyPrefix, "agent:", agentId);
}
