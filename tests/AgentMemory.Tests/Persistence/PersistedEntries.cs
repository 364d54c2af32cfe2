using System.Text;
using AgentMemory.Persistence;

namespace AgentMemory.Tests.Persistence;

/// <summary>Builds <see cref="PersistedEntry"/> values for tests and compares them field by field.</summary>
internal static class PersistedEntries
{
    public static PersistedEntry Create(string key, string value, long expiresTicks = PersistedEntry.NoExpiry, int seed = 0) => new(
        key,
        (MemoryEntryKind)(seed % 3),
        Encoding.UTF8.GetBytes(value),
        seed % 2 == 0 ? null : [1, 2, (byte)seed],
        (MemoryPriority)(seed % 4),
        CreatedTicks: 1_000 + seed,
        UpdatedTicks: 2_000 + seed,
        LastAccessTicks: 3_000 + seed,
        ExpiresTicks: expiresTicks,
        AccessCount: seed);

    /// <summary>A readable, complete description of an entry (arrays by content), for equality checks.</summary>
    public static string Describe(PersistedEntry? entry) => entry is null
        ? "null"
        : $"{entry.Key}|{entry.Kind}|{Convert.ToHexString(entry.Payload)}|{(entry.Metadata is null ? "nil" : Convert.ToHexString(entry.Metadata))}|{entry.Priority}|{entry.CreatedTicks}|{entry.UpdatedTicks}|{entry.LastAccessTicks}|{entry.ExpiresTicks}|{entry.AccessCount}";
}
