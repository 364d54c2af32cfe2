namespace AgentMemory;

/// <summary>The rules every key must follow, in every store and backend.</summary>
/// <remarks>
/// A key is a non-empty string of at most <see cref="MaxLength"/> UTF-16 code units. It may not contain the NUL
/// character (<c>'\0'</c>) or an unpaired surrogate, so that every backend (SQLite, Redis, PostgreSQL) can hold
/// it unchanged. Keys are compared ordinally (case-sensitive). A write with a key that breaks these rules throws
/// <see cref="ArgumentException"/>; a read with such a key throws for a null or empty key and otherwise finds
/// nothing. This type is thread-safe.
/// </remarks>
public static class MemoryKey
{
    /// <summary>The longest key allowed, in UTF-16 code units.</summary>
    public const int MaxLength = 1024;
}
