namespace AgentMemory;

/// <summary>Which part of a working memory an item comes from.</summary>
public enum WorkingMemorySource
{
    /// <summary>Short-term context: recent, expires after the short-term TTL.</summary>
    ShortTerm = 0,

    /// <summary>A long-term fact: important, kept until displaced by more important facts.</summary>
    LongTerm = 1,
}
