using AgentMemory.Persistence;

namespace AgentMemory.Tiers;

/// <summary>
/// A write buffered for the long-term tier: an upsert of <see cref="Entry"/>, or a delete when it is null. Compared by
/// reference, so a flush removes a buffered write only if no newer one replaced it meanwhile.
/// </summary>
internal sealed class PendingWrite(PersistedEntry? entry)
{
    public static readonly PendingWrite Delete = new(null);

    public PersistedEntry? Entry { get; } = entry;
}
