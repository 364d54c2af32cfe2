namespace AgentMemory.Persistence.Archive;

/// <summary>Settings of the archive tier: compressed, append-only segment files in one directory.</summary>
/// <remarks>
/// A plain mutable settings class; the archive copies the values when it is opened, so later changes to an instance
/// do not affect an open archive. Not thread-safe to mutate while an archive is being opened from it.
/// </remarks>
public sealed class ArchiveOptions
{
    /// <summary>The default <see cref="MaxSegmentBytes"/>: 64 MiB.</summary>
    public const long DefaultMaxSegmentBytes = 64L * 1024 * 1024;

    /// <summary>The smallest allowed <see cref="MaxSegmentBytes"/>: 4 KiB.</summary>
    public const long MinSegmentBytes = 4 * 1024;

    /// <summary>
    /// The directory that holds the segment files (<c>segment-000001.arc</c>, …). Created when missing. Required;
    /// one directory belongs to one archive, and no two open archives may share it.
    /// </summary>
    public string Directory { get; set; } = string.Empty;

    /// <summary>
    /// The size a segment file grows to before the archive starts a new one. Defaults to 64 MiB; at least 4 KiB.
    /// A single append larger than this still goes into one segment of its own.
    /// </summary>
    public long MaxSegmentBytes { get; set; } = DefaultMaxSegmentBytes;

    /// <summary>
    /// The share of the archive's bytes that must be garbage (overwritten, removed or expired records) before
    /// compaction rewrites the segments. Defaults to 0.5; greater than 0 and at most 1.
    /// </summary>
    public double CompactionGarbageRatio { get; set; } = 0.5;

    /// <summary>
    /// The transform every block's compressed bytes go through on the way to disk and back; null (the default) for
    /// none. The seam through which encryption at rest plugs in.
    /// </summary>
    internal IArchiveBlockTransform? BlockTransform { get; set; }

    /// <summary>Lists what is wrong with these settings, naming each bad option; empty when they are valid.</summary>
    /// <param name="prefix">How to name the options in messages, for example "AgentMemoryOptions.Archive".</param>
    /// <returns>The problems found.</returns>
    public IReadOnlyList<string> Validate(string prefix = nameof(ArchiveOptions))
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Directory))
        {
            errors.Add($"{prefix}.{nameof(Directory)} must name a directory; it is empty.");
        }
        else if (Directory.AsSpan().IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            errors.Add($"{prefix}.{nameof(Directory)} contains a character that is not valid in a path.");
        }

        if (MaxSegmentBytes < MinSegmentBytes)
        {
            errors.Add($"{prefix}.{nameof(MaxSegmentBytes)} must be at least {MinSegmentBytes}; it is {MaxSegmentBytes}.");
        }

        if (!(CompactionGarbageRatio > 0 && CompactionGarbageRatio <= 1))
        {
            errors.Add($"{prefix}.{nameof(CompactionGarbageRatio)} must be greater than 0 and at most 1; it is {CompactionGarbageRatio}.");
        }

        return errors;
    }
}
