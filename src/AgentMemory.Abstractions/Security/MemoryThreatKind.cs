namespace AgentMemory;

/// <summary>The kinds of threat the detection rules report.</summary>
public enum MemoryThreatKind
{
    /// <summary>One principal was denied access many times in a short window (probing or a misconfigured agent).</summary>
    DeniedAccessBurst = 0,

    /// <summary>One principal read far more than the configured volume in a short window (bulk exfiltration).</summary>
    UnusualReadVolume = 1,

    /// <summary>One principal touched many distinct sensitive keys in a short window (a sweep over sensitive data).</summary>
    SensitiveKeySweep = 2,

    /// <summary>A value encrypted under a retired key was read (stale data or a replayed old copy).</summary>
    RetiredKeyUse = 3,

    /// <summary>An encrypted value failed authentication (tampering with stored data).</summary>
    TamperedData = 4,
}
