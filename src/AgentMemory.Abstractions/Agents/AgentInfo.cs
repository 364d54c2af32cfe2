namespace AgentMemory;

/// <summary>Who an agent is and how to reach it, given when it registers with an <see cref="IAgentManager"/>.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
/// <param name="Id">The agent's unique identifier.</param>
/// <param name="Type">What kind of agent it is (for example <c>"data_processor"</c>).</param>
public sealed record AgentInfo(string Id, string Type)
{
    /// <summary>Where the agent can be reached (a URL, a queue name), if anywhere.</summary>
    public string? Endpoint { get; init; }

    /// <summary>How many tasks the agent works on at once; further assigned tasks queue. At least 1; defaults to 1.</summary>
    public int MaxConcurrentTasks { get; init; } = 1;

    /// <summary>Free-form descriptive metadata.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
