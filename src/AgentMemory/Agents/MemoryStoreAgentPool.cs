using AgentMemory.Coordination;

namespace AgentMemory.Agents;

/// <summary>
/// An <see cref="IAgentPool"/> over a <see cref="MemoryStoreAgentManager"/>: pool records live in the same
/// store as the agents, so they persist whenever the store does.
/// </summary>
/// <remarks>
/// Each pool is one store entry of <see cref="MemoryPriority.Critical"/> priority; each operation on it is a
/// read-modify-write serialized on one of a fixed set of async gates. Thread-safe.
/// </remarks>
public sealed class MemoryStoreAgentPool : IAgentPool, IDisposable
{
    private const int StripeCount = 16;

    private readonly MemoryStoreAgentManager _manager;
    private readonly GateStripes _gates = new(StripeCount);

    /// <summary>Creates pools over a manager's agents, stored in the manager's store under its key prefix.</summary>
    /// <param name="manager">The agent manager.</param>
    /// <exception cref="ArgumentNullException"><paramref name="manager"/> is null.</exception>
    public MemoryStoreAgentPool(MemoryStoreAgentManager manager)
    {
        ArgumentNullException.ThrowIfNull(manager);
        _manager = manager;
    }

    /// <inheritdoc />
    public async ValueTask<string> CreatePoolAsync(string poolId, AgentPoolConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(poolId);
        ArgumentNullException.ThrowIfNull(config);
        if (config.MinSize < 0 || config.MaxSize < 1 || config.MinSize > config.MaxSize || config.TargetSize < config.MinSize || config.TargetSize > config.MaxSize)
        {
            throw new ArgumentException(
                $"Pool '{poolId}' needs 0 <= MinSize <= TargetSize <= MaxSize and MaxSize >= 1; it has MinSize {config.MinSize}, TargetSize {config.TargetSize}, MaxSize {config.MaxSize}.",
                nameof(config));
        }

        using (await _gates.EnterAsync(poolId, cancellationToken).ConfigureAwait(false))
        {
            if (await ReadAsync(poolId, cancellationToken).ConfigureAwait(false) is not null)
            {
                throw new AgentPoolException(poolId, $"A pool named '{poolId}' already exists.");
            }

            var record = new AgentPoolRecord
            {
                Id = poolId,
                MinSize = config.MinSize,
                MaxSize = config.MaxSize,
                TargetSize = config.TargetSize,
                CreatedAt = _manager.Time.GetUtcNow(),
            };
            await WriteAsync(record, cancellationToken).ConfigureAwait(false);
            return poolId;
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeletePoolAsync(string poolId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(poolId);
        using (await _gates.EnterAsync(poolId, cancellationToken).ConfigureAwait(false))
        {
            return await _manager.Store.DeleteAsync(PoolKey(poolId), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> AddAgentAsync(string poolId, string agentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(poolId);
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        using (await _gates.EnterAsync(poolId, cancellationToken).ConfigureAwait(false))
        {
            var pool = await ReadRequiredAsync(poolId, cancellationToken).ConfigureAwait(false);
            if (pool.Members.Contains(agentId, StringComparer.Ordinal))
            {
                return false;
            }

            if (await _manager.ReadAsync(agentId, cancellationToken).ConfigureAwait(false) is null)
            {
                throw new AgentPoolException(poolId, $"Agent '{agentId}' is not registered, so it cannot join pool '{poolId}'.");
            }

            if (pool.Members.Count >= pool.MaxSize)
            {
                throw new AgentPoolException(poolId, $"Pool '{poolId}' is at its maximum size of {pool.MaxSize}; agent '{agentId}' was not added.");
            }

            pool.Members.Add(agentId);
            await WriteAsync(pool, cancellationToken).ConfigureAwait(false);
            return true;
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> RemoveAgentAsync(string poolId, string agentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(poolId);
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        using (await _gates.EnterAsync(poolId, cancellationToken).ConfigureAwait(false))
        {
            var pool = await ReadRequiredAsync(poolId, cancellationToken).ConfigureAwait(false);
            if (!pool.Members.Contains(agentId, StringComparer.Ordinal))
            {
                return false;
            }

            if (pool.Members.Count <= pool.MinSize)
            {
                throw new AgentPoolException(poolId, $"Pool '{poolId}' is at its minimum size of {pool.MinSize}; agent '{agentId}' was not removed. Add a replacement first.");
            }

            pool.Members.Remove(agentId);
            await WriteAsync(pool, cancellationToken).ConfigureAwait(false);
            return true;
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> GetPoolAgentsAsync(string poolId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(poolId);
        var pool = await ReadRequiredAsync(poolId, cancellationToken).ConfigureAwait(false);
        return pool.Members.ToArray();
    }

    /// <inheritdoc />
    public async ValueTask<AgentPoolCapacity> GetCapacityAsync(string poolId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(poolId);
        var pool = await ReadRequiredAsync(poolId, cancellationToken).ConfigureAwait(false);
        var members = await ReadMembersAsync(pool, cancellationToken).ConfigureAwait(false);
        var alive = members.Where(IsAlive).ToList();
        return new AgentPoolCapacity(poolId, ConfigOf(pool), pool.Members.Count, alive.Count, alive.Sum(m => m.MaxConcurrentTasks), alive.Sum(m => m.Tasks.Count));
    }

    /// <inheritdoc />
    public async ValueTask<AgentPoolScalePlan> ScaleAsync(string poolId, int targetSize, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(poolId);
        using (await _gates.EnterAsync(poolId, cancellationToken).ConfigureAwait(false))
        {
            var pool = await ReadRequiredAsync(poolId, cancellationToken).ConfigureAwait(false);
            if (targetSize < pool.MinSize || targetSize > pool.MaxSize)
            {
                throw new AgentPoolException(poolId, $"Pool '{poolId}' cannot be scaled to {targetSize}: its bounds are {pool.MinSize} to {pool.MaxSize}.");
            }

            var previous = pool.TargetSize;
            pool.TargetSize = targetSize;
            await WriteAsync(pool, cancellationToken).ConfigureAwait(false);

            var members = await ReadMembersAsync(pool, cancellationToken).ConfigureAwait(false);
            var alive = members.Where(IsAlive).ToList();
            var missing = pool.Members.Where(id => !members.Exists(m => m.Id == id));
            var dead = members.Where(m => !IsAlive(m)).Select(m => m.Id);
            var surplus = alive.OrderBy(m => m.Tasks.Count).ThenBy(m => m.Id, StringComparer.Ordinal)
                .Take(Math.Max(0, alive.Count - targetSize))
                .Select(m => m.Id);
            var toStop = missing.Concat(dead).Concat(surplus).ToArray();
            return new AgentPoolScalePlan(poolId, previous, targetSize, alive.Count, Math.Max(0, targetSize - alive.Count), toStop);
        }
    }

    /// <inheritdoc />
    public async ValueTask<AgentPoolMetrics> GetMetricsAsync(string poolId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(poolId);
        var pool = await ReadRequiredAsync(poolId, cancellationToken).ConfigureAwait(false);
        var members = await ReadMembersAsync(pool, cancellationToken).ConfigureAwait(false);
        var alive = members.Where(IsAlive).ToList();
        var finished = members.Sum(m => m.Completed + m.Failed);
        var slots = alive.Sum(m => m.MaxConcurrentTasks);
        return new AgentPoolMetrics(
            poolId,
            pool.Members.Count,
            alive.Count,
            members.Sum(m => m.Running),
            members.Sum(m => m.Queued),
            members.Sum(m => m.Assigned),
            members.Sum(m => m.Completed),
            members.Sum(m => m.Failed),
            finished == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(members.Sum(m => m.TotalDurationTicks) / finished),
            slots == 0 ? 0 : (double)alive.Sum(m => m.Tasks.Count) / slots);
    }

    /// <inheritdoc />
    public async ValueTask<AgentPoolRebalanceResult> RebalanceAsync(string poolId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(poolId);
        var pool = await ReadRequiredAsync(poolId, cancellationToken).ConfigureAwait(false);
        var members = await ReadMembersAsync(pool, cancellationToken).ConfigureAwait(false);
        var targets = members.Where(IsAlive)
            .Select(m => new Target(m.Id, m.Capabilities, m.MaxConcurrentTasks - m.Tasks.Count))
            .ToList();

        var moves = new List<AgentTaskMove>();
        foreach (var source in members)
        {
            var sourceAlive = IsAlive(source);
            var movable = sourceAlive ? source.Tasks.Where(t => t.StartedAt is null) : source.Tasks;
            foreach (var task in movable.ToList())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var target = targets
                    .Where(t => t.Id != source.Id && t.Free > 0 && (task.RequiredCapabilities is null || task.RequiredCapabilities.All(t.Capabilities.Contains)))
                    .OrderByDescending(t => t.Free)
                    .ThenBy(t => t.Id, StringComparer.Ordinal)
                    .FirstOrDefault();
                if (target is null)
                {
                    continue;
                }

                if (await _manager.MoveTaskAsync(source.Id, task.Id, target.Id, allowRunning: !sourceAlive, cancellationToken).ConfigureAwait(false))
                {
                    target.Free--;
                    moves.Add(new AgentTaskMove(task.Id, source.Id, target.Id));
                }
            }
        }

        var after = await ReadMembersAsync(pool, cancellationToken).ConfigureAwait(false);
        return new AgentPoolRebalanceResult(poolId, moves, after.Sum(m => m.Queued));
    }

    /// <summary>Frees the gates. Call only after every operation has completed.</summary>
    public void Dispose() => _gates.Dispose();

    private static AgentPoolConfig ConfigOf(AgentPoolRecord pool) => new(pool.MinSize, pool.MaxSize, pool.TargetSize);

    private bool IsAlive(AgentRecord record) => record.IsAlive(_manager.Time.GetUtcNow(), _manager.Options.HeartbeatTtl);

    private async ValueTask<List<AgentRecord>> ReadMembersAsync(AgentPoolRecord pool, CancellationToken cancellationToken)
    {
        var members = new List<AgentRecord>(pool.Members.Count);
        foreach (var id in pool.Members)
        {
            var record = await _manager.ReadAsync(id, cancellationToken).ConfigureAwait(false);
            if (record is not null)
            {
                members.Add(record);
            }
        }

        return members;
    }

    private ValueTask<AgentPoolRecord?> ReadAsync(string poolId, CancellationToken cancellationToken)
        => StoredJson.ReadAsync(_manager.Store, PoolKey(poolId), AgentsJsonContext.Default.AgentPoolRecord, cancellationToken);

    private async ValueTask<AgentPoolRecord> ReadRequiredAsync(string poolId, CancellationToken cancellationToken)
        => await ReadAsync(poolId, cancellationToken).ConfigureAwait(false)
            ?? throw new AgentPoolException(poolId, $"No pool named '{poolId}' exists.");

    private ValueTask WriteAsync(AgentPoolRecord pool, CancellationToken cancellationToken)
        => StoredJson.WriteAsync(_manager.Store, PoolKey(pool.Id), pool, AgentsJsonContext.Default.AgentPoolRecord, new MemoryEntryOptions { Priority = MemoryPriority.Critical }, cancellationToken);

    private string PoolKey(string poolId) => string.Concat(_manager.Options.KeyPrefix, "pool:", poolId);

    /// <summary>A live member as rebalancing sees it, with its free slots.</summary>
    private sealed class Target(string id, List<string> capabilities, int free)
    {
        public string Id { get; } = id;

        public List<string> Capabilities { get; } = capabilities;

        public int Free { get; set; } = free;
    }
}
