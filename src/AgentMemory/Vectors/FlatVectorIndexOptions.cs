namespace AgentMemory.Vectors;

/// <summary>Tuning of a <see cref="FlatVectorIndex"/>.</summary>
/// <remarks>A plain settings object, copied by the index at construction; not thread-safe to mutate while read.</remarks>
public sealed class FlatVectorIndexOptions
{
    /// <summary>How many vectors the index makes room for up front. Defaults to 1024; the storage grows by doubling.</summary>
    public int InitialCapacity { get; set; } = 1024;

    /// <summary>
    /// The number of stored vectors from which a search splits the scan across threads. Defaults to 65 536;
    /// <see cref="int.MaxValue"/> turns parallel scans off.
    /// </summary>
    public int ParallelThreshold { get; set; } = 65_536;

    /// <summary>The most threads one parallel scan uses. Defaults to <see cref="Environment.ProcessorCount"/>.</summary>
    public int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>Checks the values, naming each bad option.</summary>
    /// <param name="prefix">Prefixed to option names in messages.</param>
    /// <returns>The problems found; empty when the options are valid.</returns>
    public IReadOnlyList<string> Validate(string prefix = nameof(FlatVectorIndexOptions))
    {
        var errors = new List<string>();
        if (InitialCapacity < 1)
        {
            errors.Add($"{prefix}.{nameof(InitialCapacity)} must be at least 1 (was {InitialCapacity}).");
        }

        if (ParallelThreshold < 1)
        {
            errors.Add($"{prefix}.{nameof(ParallelThreshold)} must be at least 1 (was {ParallelThreshold}).");
        }

        if (MaxDegreeOfParallelism < 1)
        {
            errors.Add($"{prefix}.{nameof(MaxDegreeOfParallelism)} must be at least 1 (was {MaxDegreeOfParallelism}).");
        }

        return errors;
    }
}
