namespace AgentMemory.Security;

/// <summary>Thresholds of the threat-detection rules. Each rule looks for its threshold being reached inside a sliding window.</summary>
/// <remarks>Not thread-safe while being changed; <see cref="MemorySecurity"/> copies it at construction.</remarks>
public sealed class ThreatDetectionOptions
{
    /// <summary>Denied calls by one principal within <see cref="DeniedBurstWindow"/> that make a burst. Default 10.</summary>
    public int DeniedBurstThreshold { get; set; } = 10;

    /// <summary>The window for <see cref="DeniedBurstThreshold"/>. Default one minute.</summary>
    public TimeSpan DeniedBurstWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Allowed reads by one principal within <see cref="ReadVolumeWindow"/> that count as unusual volume. Default 1,000.</summary>
    public int ReadVolumeThreshold { get; set; } = 1_000;

    /// <summary>The window for <see cref="ReadVolumeThreshold"/>. Default one minute.</summary>
    public TimeSpan ReadVolumeWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Globs of sensitive keys. Empty (the default) means the encryption policy's patterns.</summary>
    public IList<string> SensitiveKeyPatterns { get; } = [];

    /// <summary>Distinct sensitive keys one principal may touch within <see cref="SensitiveKeyWindow"/> before it is a sweep. Default 20.</summary>
    public int SensitiveKeyThreshold { get; set; } = 20;

    /// <summary>The window for <see cref="SensitiveKeyThreshold"/>. Default five minutes.</summary>
    public TimeSpan SensitiveKeyWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The most audit entries attached to one threat as evidence. Default 50.</summary>
    public int MaxEvidence { get; set; } = 50;

    internal void Validate(string prefix, List<string> errors)
    {
        Positive(DeniedBurstThreshold, nameof(DeniedBurstThreshold));
        Positive(ReadVolumeThreshold, nameof(ReadVolumeThreshold));
        Positive(SensitiveKeyThreshold, nameof(SensitiveKeyThreshold));
        Positive(MaxEvidence, nameof(MaxEvidence));
        Window(DeniedBurstWindow, nameof(DeniedBurstWindow));
        Window(ReadVolumeWindow, nameof(ReadVolumeWindow));
        Window(SensitiveKeyWindow, nameof(SensitiveKeyWindow));
        foreach (var pattern in SensitiveKeyPatterns)
        {
            MemorySecurityOptions.ValidatePattern(pattern, $"{prefix}.{nameof(SensitiveKeyPatterns)}", errors);
        }

        void Positive(int value, string name)
        {
            if (value < 1)
            {
                errors.Add($"{prefix}.{name} must be at least 1; got {value}.");
            }
        }

        void Window(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero)
            {
                errors.Add($"{prefix}.{name} must be positive; got {value}.");
            }
        }
    }

    internal ThreatDetectionOptions Clone()
    {
        var copy = new ThreatDetectionOptions
        {
            DeniedBurstThreshold = DeniedBurstThreshold,
            DeniedBurstWindow = DeniedBurstWindow,
            ReadVolumeThreshold = ReadVolumeThreshold,
            ReadVolumeWindow = ReadVolumeWindow,
            SensitiveKeyThreshold = SensitiveKeyThreshold,
            SensitiveKeyWindow = SensitiveKeyWindow,
            MaxEvidence = MaxEvidence,
        };
        foreach (var pattern in SensitiveKeyPatterns)
        {
            copy.SensitiveKeyPatterns.Add(pattern);
        }

        return copy;
    }
}
