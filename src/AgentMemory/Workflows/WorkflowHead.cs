namespace AgentMemory.Workflows;

/// <summary>The stored bookkeeping of a workflow instance; its version is the commit point of an append.</summary>
internal sealed class WorkflowHead
{
    public string Id { get; set; } = "";

    public string Definition { get; set; } = "";

    public long Version { get; set; }

    public WorkflowStatus Status { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public List<long> Snapshots { get; set; } = [];

    public DateTimeOffset? ExpiresAt { get; set; }

    public WorkflowInfo ToInfo() => new(Id, Definition, Version, Status, CreatedAt, UpdatedAt, Snapshots.ToArray(), ExpiresAt);
}
