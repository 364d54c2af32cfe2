namespace AgentMemory.Redis;

/// <summary>How an AgentMemory backend connects to Redis and where in the server its keys live.</summary>
/// <remarks>A plain settings object, copied when a store or provider is created from it; not thread-safe to mutate while one is being created.</remarks>
public sealed class RedisMemoryOptions
{
    /// <summary>A StackExchange.Redis configuration string, e.g. <c>localhost:6379</c> or <c>host1:6379,host2:6379,password=...</c>. Required.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>The Redis logical database number. Default 0.</summary>
    public int Database { get; set; }

    /// <summary>
    /// Prepended to every Redis key this library writes, so several memories (or applications) share one server without
    /// seeing each other's keys. Default <c>"agentmemory:"</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = "agentmemory:";

    /// <summary>How long connecting may take before it fails. Default 5 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one command may take before it fails with a <see cref="MemoryStorageException"/>. Default 5 seconds.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Checks every setting; returns one message per invalid one, naming it.</summary>
    /// <returns>The problems found; empty when the options are valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            errors.Add("RedisMemoryOptions.ConnectionString must name the Redis server, e.g. \"localhost:6379\".");
        }

        if (Database < 0)
        {
            errors.Add($"RedisMemoryOptions.Database must be 0 or more, but was {Database}.");
        }

        if (KeyPrefix is null)
        {
            errors.Add("RedisMemoryOptions.KeyPrefix must not be null (use an empty string for no prefix).");
        }

        if (ConnectTimeout <= TimeSpan.Zero)
        {
            errors.Add($"RedisMemoryOptions.ConnectTimeout must be positive, but was {ConnectTimeout}.");
        }

        if (OperationTimeout <= TimeSpan.Zero)
        {
            errors.Add($"RedisMemoryOptions.OperationTimeout must be positive, but was {OperationTimeout}.");
        }

        if (ChangeLogMaxLength < 1)
        {
            errors.Add($"RedisMemoryOptions.ChangeLogMaxLength must be at least 1, but was {ChangeLogMaxLength}.");
        }

        if (ExpirationScanInterval <= TimeSpan.Zero)
        {
            errors.Add($"RedisMemoryOptions.ExpirationScanInterval must be positive, but was {ExpirationScanInterval}.");
        }

        if (MaxExpirationsPerScan < 1)
        {
            errors.Add($"RedisMemoryOptions.MaxExpirationsPerScan must be at least 1, but was {MaxExpirationsPerScan}.");
        }

        return errors;
    }

    /// <summary>Returns an independent copy.</summary>
    /// <returns>The copy.</returns>
    public RedisMemoryOptions Clone() => (RedisMemoryOptions)MemberwiseClone();

    /// <summary>
    /// Whether every mutation of the Redis store also appends a change record to the stream <c>{KeyPrefix}__changes</c>
    /// (in the same Lua script as the mutation, so atomically with it) and publishes its sequence number on the channel
    /// <c>{KeyPrefix}__changes:notify</c>. Default false; change streaming over Redis turns it on.
    /// </summary>
    public bool PublishChanges { get; set; }

    /// <summary>The approximate length the change stream is trimmed to (<c>XADD MAXLEN ~</c>). Default 100 000.</summary>
    public int ChangeLogMaxLength { get; set; } = 100_000;

    /// <summary>
    /// How often each store instance reclaims entries whose time to live ran out (by its <see cref="TimeProvider"/>), so
    /// the shared counters and the change stream see them even if nobody reads them. Default 1 second.
    /// </summary>
    public TimeSpan ExpirationScanInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most expired entries one reclaim pass removes. Default 256.</summary>
    public int MaxExpirationsPerScan { get; set; } = 256;
}
