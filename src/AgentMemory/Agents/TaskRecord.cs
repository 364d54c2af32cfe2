namespace AgentMemory.Agents;

/// <summary>The stored form of a task held by an agent.</summary>
internal sealed class TaskRecord
{
    public string Id { get; set; } = "";

    public string Type { get; set; } = "";

    public List<string>? RequiredCapabilities { get; set; }

    public Dictionary<string, string>? Data { get; set; }

    public DateTimeOffset AssignedAt { get; set; }

    /// <summary>When the task started running; null while it is queued.</summary>
    public DateTimeOffset? StartedAt { get; set; }

    public static TaskRecord From(AgentTask task, DateTimeOffset now) => new()
    {
        Id = task.Id,
        Type = task.Type,
        RequiredCapabilities = task.RequiredCapabilities is { Count: > 0 } required ? [.. required] : null,
        Data = task.Data is null ? null : new Dictionary<string, string>(task.Data, StringComparer.Ordinal),
        AssignedAt = now,
    };

    public AgentTask ToTask() => new(Id, Type) { RequiredCapabilities = RequiredCapabilities, Data = Data };
}
