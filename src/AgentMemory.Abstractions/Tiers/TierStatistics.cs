namespace AgentMemory;

/// <summary>A snapshot of a tiered memory's tiers.</summary>
/// <param name="ShortTermEntries">Live entries in the hot tier.</param>
/// <param name="LongTermEntries">Rows in the long-term tier (including ones also cached in the hot tier).</param>
/// <param name="ArchiveEntries">Entries in the archive.</param>
/// <param name="PendingWrites">Writes buffered for the long-term tier and not yet committed (write-behind).</param>
/// <param name="Promotions">Long-term or archive hits copied into the hot tier since the store opened.</param>
/// <param name="Demotions">Entries the hot tier handed down (eviction or consolidation) since the store opened.</param>
/// <param name="ArchivedTotal">Entries moved to the archive since the store opened.</param>
/// <param name="Durability">The store's durability mode.</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record TierStatistics(
    long ShortTermEntries,
    long LongTermEntries,
    long ArchiveEntries,
    long PendingWrites,
    long Promotions,
    long Demotions,
    long ArchivedTotal,
    DurabilityMode Durability);
