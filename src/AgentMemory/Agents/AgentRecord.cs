using System.Text.Json.Serialization;

namespace AgentMemory.Agents;

/// <summary>The stored form of a registered agent: its registration, its tasks and its counters.</summary>
internal sealed class AgentRecord
{
    public string Id { get; set; } = "";

    public string Type { get; set; } = "";

    public string? Endpoint { get; set; }

    public int MaxConcurrentTasks { get; set; } = 1;

    public Dictionary<string, string>? Metadata { get; set; }

    public List<string> Capabilities { get; set; } = [];

    public DateTimeOffset RegisteredAt { get; set; }

    public DateTimeOffset LastHeartbeat { get; set; }

    /// <summary>Running tasks (with a start time) and queued ones, in assignment order.</summary>
    public List<TaskRecord> Tasks { get; set; } = [];

    public long Assigned { get; set; }

    public long Completed { get; set; }

    public long Failed { get; set; }

    public long TotalDurationTicks { get; set; }

    [JsonIgnore]
    public int Running => Tasks.Count(t => t.StartedAt is not null);

    [JsonIgnore]
    public int Queued => Tasks.Count - Running;

    public bool IsAlive(DateTimeOffset now, TimeSpan heartbeatTtl) => now - LastHeartbeat < heartbeatTtl;

    public bool HasAll(IReadOnlyList<string>? required)
        => required is null || required.All(c => Capabilities.Contains(c, StringComparer.Ordinal));

    /// <summary>Starts queued tasks, in order, while there are free slots.</summary>
    public void Promote(DateTimeOffset now)
    {
        var running = Running;
        foreach (var task in Tasks)
        {
            if (running >= MaxConcurrentTasks)
            {
                break;
            }

            if (task.StartedAt is null)
            {
                task.StartedAt = now;
                running++;
            }
        }
    }

    public AgentStatus StatusAt(DateTimeOffset now, TimeSpan heartbeatTtl)
    {
        if (!IsAlive(now, heartbeatTtl))
        {
            return AgentStatus.Unavailable;
        }

        var load = Tasks.Count;
        return load == 0 ? AgentStatus.Idle : load < MaxConcurrentTasks ? AgentStatus.Working : AgentStatus.Saturated;
    }

    public AgentDescriptor ToDescriptor(DateTimeOffset now, TimeSpan heartbeatTtl)
    {
        var info = new AgentInfo(Id, Type) { Endpoint = Endpoint, MaxConcurrentTasks = MaxConcurrentTasks, Metadata = Metadata };
        return new AgentDescriptor(info, Capabilities.ToArray(), StatusAt(now, heartbeatTtl), RegisteredAt, LastHeartbeat, Running, Queued);
    }

    public AgentTaskAssignment ToAssignment(TaskRecord task) => new(task.ToTask(), Id, task.StartedAt is null ? AgentTaskState.Queued : AgentTaskState.Running, task.AssignedAt);
}
