namespace AgentMemory.Agents;

/// <summary>The stored form of an agent pool.</summary>
internal sealed class AgentPoolRecord
{
    public string Id { get; set; } = "";

    public int MinSize { get; set; }

    public int MaxSize { get; set; }

    public int TargetSize { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public List<string> Members { get; set; } = [];
}
