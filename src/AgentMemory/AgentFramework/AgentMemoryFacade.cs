using AgentMemory.Coordination;

namespace AgentMemory.AgentFramework;

/// <summary>
/// The default <see cref="IAgentMemory"/>: contexts, event logs, flow-run history, task outputs and embeddings
/// kept in an <see cref="IMemoryStore"/> (so they persist whenever the store does), with locks from an
/// <see cref="IDistributedLockProvider"/> and agent health from an optional <see cref="IAgentManager"/>.
/// </summary>
/// <remarks>
/// <para>
/// Embeddings are searched in memory by the SIMD <see cref="Vectors.FlatVectorIndex"/> (exact cosine, one index per
/// dimension, metadata filters applied during the scan) and kept as store entries too, so with a durable store they
/// survive a restart: a new facade loads them into its index on its first embedding call.
/// </para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed partial class AgentMemoryFacade : IAgentMemory, IDisposable
{
    private const int StripeCount = 64;

    private readonly IMemoryStore _store;
    private readonly IMemoryOperations _operations;
    private readonly IDistributedLockProvider _locks;
    private readonly IAgentManager? _agents;
    private readonly AgentMemoryFacadeOptions _options;
    private readonly TimeProvider _time;
    private readonly VectorEmbeddingIndex _embeddings;
    private readonly IAgentHistoryStore? _history;
    private readonly GateStripes _gates = new(StripeCount);

    /// <summary>Creates the facade over a store.</summary>
    /// <param name="store">The memory store.</param>
    /// <param name="operations">The atomic operations of the same store.</param>
    /// <param name="locks">The lock provider, for <see cref="AcquireLockAsync"/> and fenced writes.</param>
    /// <param name="agents">The agent manager whose agents the health check reports on; null to leave agents out.</param>
    /// <param name="options">Key prefix, embedding dimension and health thresholds, copied now; null for the defaults.</param>
    /// <param name="timeProvider">The clock for timestamps and TTLs; null for <see cref="TimeProvider.System"/>.</param>
    /// <param name="history">
    /// Where flow-run history and task outputs live instead of the store (e.g. PostgreSQL's history store, whose own
    /// retention then applies); null to keep them in the store with <see cref="AgentMemoryFacadeOptions.MaxRunsPerFlow"/>
    /// and <see cref="AgentMemoryFacadeOptions.FlowRunRetention"/>.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/>, <paramref name="operations"/> or <paramref name="locks"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public AgentMemoryFacade(IMemoryStore store, IMemoryOperations operations, IDistributedLockProvider locks, IAgentManager? agents = null, AgentMemoryFacadeOptions? options = null, TimeProvider? timeProvider = null, IAgentHistoryStore? history = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(locks);
        options ??= new AgentMemoryFacadeOptions();
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _store = store;
        _operations = operations;
        _locks = locks;
        _agents = agents;
        _options = options.Copy();
        _time = timeProvider ?? TimeProvider.System;
        _history = history;
        _embeddings = new VectorEmbeddingIndex(store, _options.KeyPrefix + "emb:", _gates);
    }

    /// <inheritdoc />
    public ValueTask<ILockLease> AcquireLockAsync(string name, LockOptions? options = null, CancellationToken cancellationToken = default)
        => _locks.AcquireAsync(name, options, cancellationToken);

    /// <inheritdoc />
    public IWorkingMemory OpenWorkingMemory(string agentId, WorkingMemoryOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        options ??= new WorkingMemoryOptions();
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        var prefix = string.Concat(_options.KeyPrefix, "wm:", agentId.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), ":", agentId, ":");
        return new WorkingMemory(_store, _operations, _gates, agentId, prefix, options, _time);
    }

    /// <summary>Frees the gates. Call only after every operation has completed.</summary>
    public void Dispose()
    {
        _embeddings.Dispose();
        _gates.Dispose();
    }

    private static MemoryEntryOptions EntryOptions(TimeSpan? ttl, IReadOnlyDictionary<string, MetadataValue>? metadata, MemoryPriority priority = MemoryPriority.Normal)
    {
        if (ttl is { } t)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(t, TimeSpan.Zero, "ttl");
        }

        return new MemoryEntryOptions { Ttl = ttl, Metadata = metadata, Priority = priority };
    }

    private string Key(string area, string id) => string.Concat(_options.KeyPrefix, area, id);
}
