using AgentMemory.Storage;

namespace AgentMemory.Security;

/// <summary>Settings of <see cref="MemorySecurity"/> and the secured store.</summary>
/// <remarks>Not thread-safe while being changed; <see cref="MemorySecurity"/> copies and validates it at construction.</remarks>
public sealed class MemorySecurityOptions
{
    /// <summary>The prefix of keys the security layer keeps its own state under (the access-control list). The secured store refuses these keys to everyone and hides them from listings.</summary>
    public const string ReservedKeyPrefix = "__agentmemory:security:";

    /// <summary>The default for <see cref="MaxBatchSize"/>.</summary>
    public const int DefaultMaxBatchSize = 10_000;

    /// <summary>The default for <see cref="MaxValueBytes"/>: 16 MiB.</summary>
    public const int DefaultMaxValueBytes = 16 * 1024 * 1024;

    /// <summary>The memory's name, bound into every envelope's associated data so a value copied to another memory does not decrypt. Default <c>default</c>; at most 256 characters.</summary>
    public string MemoryName { get; set; } = "default";

    /// <summary>Globs of keys whose values are encrypted (for example <c>user:*:secret</c>, or <c>*</c> for all). Empty (the default) encrypts nothing.</summary>
    public IList<string> EncryptedKeyPatterns { get; } = [];

    /// <summary>Whether the secured store enforces the access-control list (deny by default). Default <see langword="true"/>; when false it only encrypts and audits mutations.</summary>
    public bool EnableAccessControl { get; set; } = true;

    /// <summary>Whether allowed reads are audited too (denials and mutations always are). Default <see langword="true"/>.</summary>
    public bool AuditReads { get; set; } = true;

    /// <summary>The most operations or keys one batch call may carry. Default 10,000.</summary>
    public int MaxBatchSize { get; set; } = DefaultMaxBatchSize;

    /// <summary>The largest serialized value (before encryption) the secured store encrypts. Default 16 MiB.</summary>
    public int MaxValueBytes { get; set; } = DefaultMaxValueBytes;

    /// <summary>The longest glob accepted in listings, access rules and policies. Default <see cref="MemoryKey.MaxLength"/>.</summary>
    public int MaxPatternLength { get; set; } = MemoryKey.MaxLength;

    /// <summary>The thresholds of the threat-detection rules.</summary>
    public ThreatDetectionOptions ThreatDetection { get; } = new();

    /// <summary>Checks every setting.</summary>
    /// <param name="prefix">The name to prefix option names with in messages.</param>
    /// <returns>One message per invalid setting; empty when valid.</returns>
    public IReadOnlyList<string> Validate(string prefix = nameof(MemorySecurityOptions))
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(MemoryName) || MemoryName.Length > 256)
        {
            errors.Add($"{prefix}.{nameof(MemoryName)} must be 1 to 256 characters.");
        }

        if (MaxBatchSize < 1)
        {
            errors.Add($"{prefix}.{nameof(MaxBatchSize)} must be at least 1; got {MaxBatchSize}.");
        }

        if (MaxValueBytes < 1)
        {
            errors.Add($"{prefix}.{nameof(MaxValueBytes)} must be at least 1; got {MaxValueBytes}.");
        }

        if (MaxPatternLength < 1 || MaxPatternLength > MemoryKey.MaxLength)
        {
            errors.Add($"{prefix}.{nameof(MaxPatternLength)} must be between 1 and {MemoryKey.MaxLength}; got {MaxPatternLength}.");
        }

        foreach (var pattern in EncryptedKeyPatterns)
        {
            ValidatePattern(pattern, $"{prefix}.{nameof(EncryptedKeyPatterns)}", errors);
        }

        ThreatDetection.Validate($"{prefix}.{nameof(ThreatDetection)}", errors);
        return errors;
    }

    internal static void ValidatePattern(string? pattern, string name, List<string> errors)
    {
        if (string.IsNullOrEmpty(pattern) || pattern.Length > MemoryKey.MaxLength)
        {
            errors.Add($"{name} holds an empty pattern or one longer than {MemoryKey.MaxLength} characters.");
            return;
        }

        try
        {
            GlobPattern.Parse(pattern);
        }
        catch (ArgumentException ex)
        {
            errors.Add($"{name} holds a malformed pattern: {ex.Message}");
        }
    }

    internal MemorySecurityOptions Clone()
    {
        var copy = new MemorySecurityOptions
        {
            MemoryName = MemoryName,
            EnableAccessControl = EnableAccessControl,
            AuditReads = AuditReads,
            MaxBatchSize = MaxBatchSize,
            MaxValueBytes = MaxValueBytes,
            MaxPatternLength = MaxPatternLength,
        };
        foreach (var pattern in EncryptedKeyPatterns)
        {
            copy.EncryptedKeyPatterns.Add(pattern);
        }

        var threats = ThreatDetection.Clone();
        copy.ThreatDetection.DeniedBurstThreshold = threats.DeniedBurstThreshold;
        copy.ThreatDetection.DeniedBurstWindow = threats.DeniedBurstWindow;
        copy.ThreatDetection.ReadVolumeThreshold = threats.ReadVolumeThreshold;
        copy.ThreatDetection.ReadVolumeWindow = threats.ReadVolumeWindow;
        copy.ThreatDetection.SensitiveKeyThreshold = threats.SensitiveKeyThreshold;
        copy.ThreatDetection.SensitiveKeyWindow = threats.SensitiveKeyWindow;
        copy.ThreatDetection.MaxEvidence = threats.MaxEvidence;
        foreach (var pattern in threats.SensitiveKeyPatterns)
        {
            copy.ThreatDetection.SensitiveKeyPatterns.Add(pattern);
        }

        return copy;
    }
}
