using AgentMemory.Tiers;

namespace AgentMemory.Persistence.Archive;

// The archive as the tiered store's third tier.
internal sealed partial class ArchiveStore : IArchiveTier
{
    /// <inheritdoc />
    public bool Contains(string key) => Volatile.Read(ref _index).ContainsKey(key);
}
