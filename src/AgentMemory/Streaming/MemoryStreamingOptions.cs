namespace AgentMemory.Streaming;

/// <summary>Settings of a store's change feed: the retained change log and whether reads are reported.</summary>
/// <remarks>A plain mutable settings class; the feed copies the values when it is created. Not thread-safe to mutate meanwhile.</remarks>
public sealed class MemoryStreamingOptions
{
    /// <summary>
    /// The most changes the change log retains for replay; 0 for no log (subscribers then see live changes only).
    /// Default 10,000. While a log is kept, every change is recorded even with no subscriber.
    /// </summary>
    public int RetainedChanges { get; set; } = 10_000;

    /// <summary>How long the change log retains a change (measured on the store's <see cref="TimeProvider"/>); null (the default) for no age limit.</summary>
    public TimeSpan? RetentionAge { get; set; }

    /// <summary>
    /// Whether the change log is kept in the long-term tier's SQLite database when the store has one (a
    /// <see cref="Tiers.TieredMemoryStore"/>, as <c>AddSqlitePersistence</c> registers), so replay works across a
    /// restart and sequence numbers continue after it. Default true. Ignored for a store without persistence and
    /// when <see cref="RetainedChanges"/> is 0.
    /// </summary>
    public bool PersistChangeLog { get; set; } = true;

    /// <summary>
    /// How often a durable change log commits the changes it buffers (it also commits once 512 are buffered, before
    /// every replay, and when the streaming service is disposed). Changes buffered when the process dies are lost.
    /// Default 1 second.
    /// </summary>
    public TimeSpan ChangeLogFlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Whether successful reads are reported as <see cref="MemoryChangeType.Accessed"/> changes. Off by default: it puts work on the read path.</summary>
    public bool EmitAccessed { get; set; }

    /// <summary>Lists what is wrong with these settings, naming each bad option; empty when they are valid.</summary>
    /// <param name="prefix">How to name the options in messages.</param>
    /// <returns>The problems found.</returns>
    public IReadOnlyList<string> Validate(string prefix = nameof(MemoryStreamingOptions))
    {
        var errors = new List<string>();
        if (RetainedChanges < 0)
        {
            errors.Add($"{prefix}.{nameof(RetainedChanges)} must be 0 (no log) or more; it is {RetainedChanges}.");
        }

        if (RetentionAge is { } age && age <= TimeSpan.Zero)
        {
            errors.Add($"{prefix}.{nameof(RetentionAge)} must be positive, or null for no age limit; it is {age}.");
        }

        if (ChangeLogFlushInterval <= TimeSpan.Zero)
        {
            errors.Add($"{prefix}.{nameof(ChangeLogFlushInterval)} must be positive; it is {ChangeLogFlushInterval}.");
        }

        return errors;
    }
}
