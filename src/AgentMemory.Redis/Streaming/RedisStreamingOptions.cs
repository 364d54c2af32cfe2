namespace AgentMemory.Redis.Streaming;

/// <summary>Settings of <see cref="RedisMemoryStreaming"/>: how long the shared change log is and how subscribers read it.</summary>
/// <remarks>A plain settings object, copied when the service is created; not thread-safe to mutate meanwhile.</remarks>
public sealed class RedisStreamingOptions
{
    /// <summary>
    /// The approximate number of changes the Redis stream <c>{prefix}__changes</c> keeps (<c>XADD MAXLEN ~</c>) when
    /// this service publishes; replay reaches back that far. Default 100,000. The store's own change records use the
    /// store's setting.
    /// </summary>
    public int ChangeLogMaxLength { get; set; } = 100_000;

    /// <summary>How many changes a subscriber reads from Redis in one round trip. Default 256.</summary>
    public int ReadBatchSize { get; set; } = 256;

    /// <summary>
    /// How often an idle subscriber looks for new changes when no notification arrived (a lost pub/sub message, a
    /// reconnect) and how long it waits before retrying after a Redis failure; measured on the service's
    /// <see cref="TimeProvider"/>. Default 1 second.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Checks the settings; returns one message per invalid one, naming it.</summary>
    /// <returns>The problems found; empty when the settings are valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (ChangeLogMaxLength < 1)
        {
            errors.Add($"RedisStreamingOptions.ChangeLogMaxLength must be at least 1; it is {ChangeLogMaxLength}.");
        }

        if (ReadBatchSize is < 1 or > 100_000)
        {
            errors.Add($"RedisStreamingOptions.ReadBatchSize must be between 1 and 100000; it is {ReadBatchSize}.");
        }

        if (PollInterval <= TimeSpan.Zero || PollInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"RedisStreamingOptions.PollInterval must be positive and at most one hour; it is {PollInterval}.");
        }

        return errors;
    }

    /// <summary>Returns an independent copy.</summary>
    /// <returns>The copy.</returns>
    public RedisStreamingOptions Clone() => (RedisStreamingOptions)MemberwiseClone();
}
