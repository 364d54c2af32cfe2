namespace AgentMemory;

/// <summary>A unit of work to give to an agent.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
/// <param name="Id">The task's identifier, unique among the tasks an agent holds.</param>
/// <param name="Type">What kind of task it is.</param>
public sealed record AgentTask(string Id, string Type)
{
    /// <summary>Capabilities an agent must have to take the task; null or empty for none.</summary>
    public IReadOnlyList<string>? RequiredCapabilities { get; init; }

    /// <summary>Free-form task parameters handed to the agent.</summary>
    public IReadOnlyDictionary<string, string>? Data { get; init; }
}
