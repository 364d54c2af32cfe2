namespace AgentMemory.AgentFramework;

/// <summary>Settings of the agent-framework facade, configured through <c>AddAgentCoordination(o => o.Facade...)</c>.</summary>
/// <remarks>Copied by the facade when it is created; later changes do not affect it. Not thread-safe to mutate.</remarks>
public sealed class AgentMemoryFacadeOptions
{
    /// <summary>The prefix of the store keys the facade writes. Defaults to <c>"af:"</c>.</summary>
    public string KeyPrefix { get; set; } = "af:";

    /// <summary>The dimension every embedding and query must have; null to accept any (queries skip other dimensions).</summary>
    public int? EmbeddingDimensions { get; set; }

    /// <summary>The store is reported degraded when its entry count or bytes reach this fraction of its limits. Defaults to 0.9.</summary>
    public double CapacityWarningRatio { get; set; } = 0.9;

    /// <summary>
    /// The most run records a flow keeps: writing one more deletes the oldest. Null for no count bound.
    /// Default 1,000.
    /// </summary>
    public int? MaxRunsPerFlow { get; set; } = 1_000;

    /// <summary>
    /// How long a run record is kept after it was written, on the facade's <see cref="TimeProvider"/> (a store TTL,
    /// so the store's expiry removes it); a flow with no record left disappears too. Null to keep records until the
    /// count bound drops them. Default 30 days.
    /// </summary>
    public TimeSpan? FlowRunRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Checks the settings and lists what is wrong, naming each option.</summary>
    /// <param name="path">The option path to name in messages.</param>
    /// <returns>The problems found; empty when the settings are valid.</returns>
    public IReadOnlyList<string> Validate(string path = nameof(AgentMemoryFacadeOptions))
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(KeyPrefix))
        {
            errors.Add($"{path}.{nameof(KeyPrefix)} must not be empty.");
        }

        if (EmbeddingDimensions is < 1)
        {
            errors.Add($"{path}.{nameof(EmbeddingDimensions)} must be at least 1 when set; it is {EmbeddingDimensions}.");
        }

        if (!(CapacityWarningRatio > 0 && CapacityWarningRatio <= 1))
        {
            errors.Add($"{path}.{nameof(CapacityWarningRatio)} must be above 0 and at most 1; it is {CapacityWarningRatio}.");
        }

        if (MaxRunsPerFlow is < 1)
        {
            errors.Add($"{path}.{nameof(MaxRunsPerFlow)} must be at least 1 when set; it is {MaxRunsPerFlow}.");
        }

        if (FlowRunRetention is { } retention && retention <= TimeSpan.Zero)
        {
            errors.Add($"{path}.{nameof(FlowRunRetention)} must be positive when set; it is {retention}.");
        }

        return errors;
    }

    internal AgentMemoryFacadeOptions Copy() => new()
    {
        KeyPrefix = KeyPrefix,
        EmbeddingDimensions = EmbeddingDimensions,
        CapacityWarningRatio = CapacityWarningRatio,
        MaxRunsPerFlow = MaxRunsPerFlow,
        FlowRunRetention = FlowRunRetention,
    };
}
