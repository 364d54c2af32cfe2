namespace AgentMemory.Workflows;

/// <summary>Settings of the store-backed workflow state store, configured through <c>AddAgentCoordination(o => o.Workflows...)</c>.</summary>
/// <remarks>Copied by the store when it is created; later changes do not affect it. Not thread-safe to mutate.</remarks>
public sealed class WorkflowStoreOptions
{
    /// <summary>The prefix of the store keys that hold workflow events, snapshots and heads. Defaults to <c>"workflows:"</c>.</summary>
    public string KeyPrefix { get; set; } = "workflows:";

    /// <summary>How long a finished workflow is kept when <c>FinishAsync</c> does not say. Defaults to 7 days.</summary>
    public TimeSpan FinishedRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Checks the settings and lists what is wrong, naming each option.</summary>
    /// <param name="path">The option path to name in messages.</param>
    /// <returns>The problems found; empty when the settings are valid.</returns>
    public IReadOnlyList<string> Validate(string path = nameof(WorkflowStoreOptions))
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(KeyPrefix))
        {
            errors.Add($"{path}.{nameof(KeyPrefix)} must not be empty.");
        }

        if (FinishedRetention <= TimeSpan.Zero)
        {
            errors.Add($"{path}.{nameof(FinishedRetention)} must be positive; it is {FinishedRetention}.");
        }

        return errors;
    }

    internal WorkflowStoreOptions Copy() => new() { KeyPrefix = KeyPrefix, FinishedRetention = FinishedRetention };
}
