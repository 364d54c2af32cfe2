namespace AgentMemory.Agents;

/// <summary>Settings of the store-backed agent manager and pools, configured through <c>AddAgentCoordination(o => o.Agents...)</c>.</summary>
/// <remarks>Copied by the manager when it is created; later changes do not affect it. Not thread-safe to mutate.</remarks>
public sealed class AgentManagerOptions
{
    /// <summary>The prefix of the store keys that hold agent and pool records. Defaults to <c>"agents:"</c>.</summary>
    public string KeyPrefix { get; set; } = "agents:";

    /// <summary>How long an agent stays available after its last heartbeat. Defaults to 30 seconds.</summary>
    public TimeSpan HeartbeatTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Checks the settings and lists what is wrong, naming each option.</summary>
    /// <param name="path">The option path to name in messages.</param>
    /// <returns>The problems found; empty when the settings are valid.</returns>
    public IReadOnlyList<string> Validate(string path = nameof(AgentManagerOptions))
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(KeyPrefix))
        {
            errors.Add($"{path}.{nameof(KeyPrefix)} must not be empty.");
        }

        if (HeartbeatTtl <= TimeSpan.Zero)
        {
            errors.Add($"{path}.{nameof(HeartbeatTtl)} must be positive; it is {HeartbeatTtl}.");
        }

        return errors;
    }

    internal AgentManagerOptions Copy() => new() { KeyPrefix = KeyPrefix, HeartbeatTtl = HeartbeatTtl };
}
