namespace AgentMemory;

/// <summary>Settings of an agent's <see cref="IWorkingMemory"/>.</summary>
/// <remarks>Copied when the working memory is opened. Not thread-safe to mutate.</remarks>
public sealed class WorkingMemoryOptions
{
    /// <summary>The most short-term items kept; the oldest goes first. Defaults to 100.</summary>
    public int ShortTermCapacity { get; set; } = 100;

    /// <summary>The most long-term facts kept; the least important goes first. Defaults to 10 000.</summary>
    public int LongTermCapacity { get; set; } = 10_000;

    /// <summary>How long a short-term item lives. Defaults to one hour.</summary>
    public TimeSpan ShortTermTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Items stored with an importance above this become long-term facts. Defaults to 0.8.</summary>
    public double LongTermImportanceThreshold { get; set; } = 0.8;

    /// <summary>Checks the settings and lists what is wrong, naming each option.</summary>
    /// <returns>The problems found; empty when the settings are valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (ShortTermCapacity < 1)
        {
            errors.Add($"{nameof(WorkingMemoryOptions)}.{nameof(ShortTermCapacity)} must be at least 1; it is {ShortTermCapacity}.");
        }

        if (LongTermCapacity < 1)
        {
            errors.Add($"{nameof(WorkingMemoryOptions)}.{nameof(LongTermCapacity)} must be at least 1; it is {LongTermCapacity}.");
        }

        if (ShortTermTtl <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(WorkingMemoryOptions)}.{nameof(ShortTermTtl)} must be positive; it is {ShortTermTtl}.");
        }

        if (!(LongTermImportanceThreshold >= 0 && LongTermImportanceThreshold <= 1))
        {
            errors.Add($"{nameof(WorkingMemoryOptions)}.{nameof(LongTermImportanceThreshold)} must be between 0 and 1; it is {LongTermImportanceThreshold}.");
        }

        return errors;
    }
}
