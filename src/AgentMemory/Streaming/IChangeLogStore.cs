namespace AgentMemory.Streaming;

/// <summary>
/// Where the change feed retains changes for replay. The feed calls every member under its own lock, in sequence
/// order, so an implementation needs no locking of its own. <see cref="InMemoryChangeLog"/> is the default; a
/// durable implementation (for example one that appends to the long-term tier) plugs in here.
/// </summary>
internal interface IChangeLogStore
{
    /// <summary>The highest sequence number that is no longer retained (0 when nothing was trimmed yet).</summary>
    long TrimmedThroughSequence { get; }

    /// <summary>The timestamp of the change <see cref="TrimmedThroughSequence"/> names; null when nothing was trimmed yet.</summary>
    DateTimeOffset? TrimmedThroughTimestamp { get; }

    /// <summary>The highest sequence number a previous run of the log may have handed out (0 for a new log); the feed numbers on from here.</summary>
    long LastSequence => 0;

    /// <summary>The newest timestamp the log holds from a previous run; the feed's timestamps never go below it. Null for a new log.</summary>
    DateTimeOffset? LastTimestamp => null;

    /// <summary>Appends the next change (its sequence number is one more than the previous one's) and trims to the limits.</summary>
    void Append(MemoryChange change);

    /// <summary>Drops changes older than the age limit as of <paramref name="now"/>.</summary>
    void Trim(DateTimeOffset now);

    /// <summary>Adds the retained changes numbered <paramref name="fromSequence"/> or higher that <paramref name="filter"/> accepts, oldest first.</summary>
    void CopyFrom(long fromSequence, Func<MemoryChange, bool> filter, List<MemoryChange> into);

    /// <summary>Adds the retained changes recorded between two instants (inclusive) that <paramref name="filter"/> accepts, oldest first.</summary>
    void CopyRange(DateTimeOffset from, DateTimeOffset to, Func<MemoryChange, bool> filter, List<MemoryChange> into);
}
