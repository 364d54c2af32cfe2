namespace AgentMemory;

/// <summary>How serious a detected threat is.</summary>
public enum MemoryThreatSeverity
{
    /// <summary>Worth a look.</summary>
    Low = 0,

    /// <summary>Likely misuse.</summary>
    Medium = 1,

    /// <summary>Likely an attack or data corruption; act now.</summary>
    High = 2,

    /// <summary>Stored data was tampered with.</summary>
    Critical = 3,
}
