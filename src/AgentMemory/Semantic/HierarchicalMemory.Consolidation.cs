namespace AgentMemory.Semantic;

/// <summary>The hierarchy's sweep: promotion to a fixed point, idle expiry and capacity eviction.</summary>
public sealed partial class HierarchicalMemory
{
    /// <inheritdoc/>
    public async ValueTask<HierarchyConsolidationReport> ConsolidateAsync(MemoryScope? scope = null, CancellationToken cancellationToken = default)
    {
        var promoted = new List<LevelChange>();
        var expired = new List<string>();
        var evicted = new List<string>();
        var snapshot = (await _memory.SnapshotAsync(cancellationToken).ConfigureAwait(false))
            .Where(r => (scope is null || r.Scope == scope) && LevelOf(r) is not null)
            .OrderBy(r => r.Id, StringComparer.Ordinal)
            .ToList();

        foreach (var record in snapshot)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var steps = new List<LevelChange>();
            await _memory.MutateAsync(record.Id, record.Scope, (r, _) =>
            {
                steps.Clear();
                if (LevelOf(r) is not { } level)
                {
                    return r;
                }

                var current = level;
                while (NextLevel(r, current) is { } next)
                {
                    steps.Add(new LevelChange(r.Id, current, next));
                    current = next;
                }

                return current == level ? r : WithMetadata(r, current, ValidationsOf(r));
            }, cancellationToken).ConfigureAwait(false);
            promoted.AddRange(steps);
        }

        foreach (var record in snapshot)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await DeleteIfExpiredAsync(record.Id, record.Scope, cancellationToken).ConfigureAwait(false))
            {
                expired.Add(record.Id);
            }
        }

        foreach (var (memoryScope, level) in snapshot.Select(r => r.Scope).Distinct().SelectMany(s => Enum.GetValues<MemoryLevel>().Select(l => (s, l))))
        {
            await EvictOverCapacityAsync(memoryScope, level, evicted, cancellationToken).ConfigureAwait(false);
        }

        var now = _memory.Time.GetUtcNow();
        var counts = Enum.GetValues<MemoryLevel>().ToDictionary(l => l, _ => 0);
        foreach (var record in await _memory.SnapshotAsync(cancellationToken).ConfigureAwait(false))
        {
            if ((scope is null || record.Scope == scope) && LevelOf(record) is { } level && !IsExpired(record, level, now))
            {
                counts[level]++;
            }
        }

        return new HierarchyConsolidationReport(promoted, expired, evicted, counts);
    }

    /// <summary>
    /// Deletes the least valuable memories of one scope and level beyond the level's capacity: lowest importance
    /// first, then least recently used (accessed or formed), then by id. The memory just stored or moved
    /// (<paramref name="protectedId"/>) is never the one to go: a new arrival always gets in.
    /// </summary>
    private async ValueTask EvictOverCapacityAsync(MemoryScope scope, MemoryLevel level, List<string> evicted, CancellationToken cancellationToken, string? protectedId = null)
    {
        var members = (await _memory.SnapshotAsync(cancellationToken).ConfigureAwait(false))
            .Where(r => r.Scope == scope && LevelOf(r) == level)
            .ToList();
        var excess = members.Count - Capacity(level);
        if (excess <= 0)
        {
            return;
        }

        var victims = members
            .Where(r => r.Id != protectedId)
            .OrderBy(r => r.Importance)
            .ThenBy(r => r.LastAccessedAt ?? r.Timestamp)
            .ThenBy(r => r.Id, StringComparer.Ordinal)
            .Take(excess);
        foreach (var victim in victims)
        {
            if (await _memory.DeleteIfAsync(victim.Id, scope, (r, _) => r.Scope == scope && LevelOf(r) == level, cancellationToken).ConfigureAwait(false))
            {
                evicted.Add(victim.Id);
            }
        }
    }
}
