namespace AgentMemory.AgentFramework;

/// <summary>The stored bookkeeping of a flow's run history: which sequence numbers may still hold a record.</summary>
internal sealed class FlowHead
{
    /// <summary>The oldest sequence number not yet trimmed by the count bound (its record may have expired by age).</summary>
    public long First { get; set; } = 1;

    /// <summary>The sequence number the next record gets.</summary>
    public long Next { get; set; } = 1;
}
