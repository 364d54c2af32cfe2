namespace AgentMemory;

/// <summary>The options of one named memory.</summary>
/// <remarks>A plain settings object, copied when the memory is created; not thread-safe to mutate during that call.</remarks>
public sealed class NamedMemoryOptions
{
    /// <summary>The hot tier's entry limit; <see langword="null"/> (the default) for none.</summary>
    public long? MaxEntries { get; set; }

    /// <summary>The hot tier's byte budget; <see langword="null"/> (the default) for none.</summary>
    public long? MaxBytes { get; set; }

    /// <summary>
    /// Whether the memory is kept in a SQLite database in the manager's root directory (true, the default, when the
    /// manager has one) or in process only (false).
    /// </summary>
    public bool Persistent { get; set; } = true;

    /// <summary>The durability mode of a persistent memory. Default <see cref="DurabilityMode.WriteThrough"/>.</summary>
    public DurabilityMode Durability { get; set; } = DurabilityMode.WriteThrough;
}
