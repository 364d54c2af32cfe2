namespace AgentMemory;

/// <summary>
/// The levels of a hierarchical memory, from fleeting to settled. Memories enter at a level (usually
/// <see cref="Immediate"/>) and are promoted one level at a time as they prove useful: accessed often, judged
/// important, confirmed by validation.
/// </summary>
public enum MemoryLevel
{
    /// <summary>Just noticed: short-lived, small, expires soon without access.</summary>
    Immediate = 0,

    /// <summary>Recently useful: accessed more than a few times; expires after a longer idle time.</summary>
    Recent = 1,

    /// <summary>Important: long-term, kept until capacity forces the least valuable out.</summary>
    Important = 2,

    /// <summary>Learned: confirmed (validated) knowledge; the top level.</summary>
    Learned = 3,
}
