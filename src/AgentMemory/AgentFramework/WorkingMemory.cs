using AgentMemory.Coordination;

namespace AgentMemory.AgentFramework;

/// <summary>
/// The default <see cref="IWorkingMemory"/>: short-term items as expiring store entries and long-term facts as
/// non-expiring <see cref="MemoryPriority.High"/> entries under the agent's key prefix, with importance and time
/// stored as entry metadata. Capacity is enforced after each store by removing the oldest short-term items or the
/// least important facts, which costs a scan of that part (linear in its size).
/// </summary>
internal sealed class WorkingMemory : IWorkingMemory
{
    private const string ImportanceField = "importance";
    private const string StoredAtField = "stored_at";

    private readonly IMemoryStore _store;
    private readonly IMemoryOperations _operations;
    private readonly GateStripes _gates;
    private readonly string _prefix;
    private readonly WorkingMemoryOptions _options;
    private readonly TimeProvider _time;

    public WorkingMemory(IMemoryStore store, IMemoryOperations operations, GateStripes gates, string agentId, string prefix, WorkingMemoryOptions options, TimeProvider time)
    {
        _store = store;
        _operations = operations;
        _gates = gates;
        AgentId = agentId;
        _prefix = prefix;
        _options = new WorkingMemoryOptions
        {
            ShortTermCapacity = options.ShortTermCapacity,
            LongTermCapacity = options.LongTermCapacity,
            ShortTermTtl = options.ShortTermTtl,
            LongTermImportanceThreshold = options.LongTermImportanceThreshold,
        };
        _time = time;
    }

    public string AgentId { get; }

    public async ValueTask<WorkingMemorySource> StoreContextAsync<T>(string key, T value, double importance = 0.5, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (!(importance >= 0 && importance <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(importance), importance, "Importance must be between 0 and 1.");
        }

        var source = importance > _options.LongTermImportanceThreshold ? WorkingMemorySource.LongTerm : WorkingMemorySource.ShortTerm;
        var metadata = new Dictionary<string, MetadataValue>
        {
            [ImportanceField] = importance,
            [StoredAtField] = _time.GetUtcNow().UtcTicks,
        };
        var options = source == WorkingMemorySource.LongTerm
            ? new MemoryEntryOptions { Priority = MemoryPriority.High, Metadata = metadata }
            : new MemoryEntryOptions { Ttl = _options.ShortTermTtl, Metadata = metadata };
        using (await _gates.EnterAsync(_prefix, cancellationToken).ConfigureAwait(false))
        {
            await _store.DeleteAsync(KeyOf(Other(source), key), cancellationToken).ConfigureAwait(false);
            await _store.StoreAsync(KeyOf(source, key), value, options, cancellationToken).ConfigureAwait(false);
            await EnforceCapacityAsync(source, cancellationToken).ConfigureAwait(false);
        }

        return source;
    }

    public async ValueTask<WorkingMemoryItem<T>?> RecallAsync<T>(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        foreach (var source in new[] { WorkingMemorySource.ShortTerm, WorkingMemorySource.LongTerm })
        {
            var item = await ReadAsync<T>(source, KeyOf(source, key), cancellationToken).ConfigureAwait(false);
            if (item is not null)
            {
                return item;
            }
        }

        return null;
    }

    public async ValueTask<IReadOnlyList<WorkingMemoryItem<T>>> GetActiveContextAsync<T>(int maxItems = 20, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxItems, 1);
        var shortTerm = await ReadAllAsync<T>(WorkingMemorySource.ShortTerm, cancellationToken).ConfigureAwait(false);
        var result = shortTerm.OrderByDescending(i => i.StoredAt).ThenBy(i => i.Key, StringComparer.Ordinal).Take(maxItems).ToList();
        if (result.Count < maxItems)
        {
            var longTerm = await ReadAllAsync<T>(WorkingMemorySource.LongTerm, cancellationToken).ConfigureAwait(false);
            result.AddRange(longTerm.OrderByDescending(i => i.Importance).ThenByDescending(i => i.StoredAt).ThenBy(i => i.Key, StringComparer.Ordinal).Take(maxItems - result.Count));
        }

        return result;
    }

    public async ValueTask<bool> ForgetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var removed = await _operations.DeleteManyAsync([KeyOf(WorkingMemorySource.ShortTerm, key), KeyOf(WorkingMemorySource.LongTerm, key)], cancellationToken).ConfigureAwait(false);
        return removed > 0;
    }

    public async ValueTask<long> ClearAsync(WorkingMemorySource source, CancellationToken cancellationToken = default)
    {
        if (!Enum.IsDefined(source))
        {
            throw new ArgumentException($"Working memory source {(int)source} is not defined.", nameof(source));
        }

        var keys = await KeysAsync(source, cancellationToken).ConfigureAwait(false);
        return await _operations.DeleteManyAsync(keys, cancellationToken).ConfigureAwait(false);
    }

    private static WorkingMemorySource Other(WorkingMemorySource source)
        => source == WorkingMemorySource.ShortTerm ? WorkingMemorySource.LongTerm : WorkingMemorySource.ShortTerm;

    private async ValueTask EnforceCapacityAsync(WorkingMemorySource source, CancellationToken cancellationToken)
    {
        var capacity = source == WorkingMemorySource.ShortTerm ? _options.ShortTermCapacity : _options.LongTermCapacity;
        var keys = await KeysAsync(source, cancellationToken).ConfigureAwait(false);
        if (keys.Count <= capacity)
        {
            return;
        }

        var ranked = new List<(string Key, double Importance, long StoredAt)>(keys.Count);
        foreach (var key in keys)
        {
            var metadata = await _store.GetMetadataAsync(key, cancellationToken).ConfigureAwait(false);
            if (metadata is not null)
            {
                ranked.Add((key, metadata[ImportanceField].AsDouble(), metadata[StoredAtField].AsInt64()));
            }
        }

        // Short-term: the oldest goes first. Long-term: the least important, then the oldest, goes first.
        var victims = (source == WorkingMemorySource.ShortTerm
                ? ranked.OrderBy(r => r.StoredAt)
                : ranked.OrderBy(r => r.Importance).ThenBy(r => r.StoredAt))
            .Take(ranked.Count - capacity)
            .Select(r => r.Key);
        await _operations.DeleteManyAsync(victims.ToList(), cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<List<string>> KeysAsync(WorkingMemorySource source, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        await foreach (var key in _store.EnumerateKeysAsync(KeyPatterns.StartsWith(PartPrefix(source)), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            keys.Add(key);
        }

        return keys;
    }

    private async ValueTask<List<WorkingMemoryItem<T>>> ReadAllAsync<T>(WorkingMemorySource source, CancellationToken cancellationToken)
    {
        var items = new List<WorkingMemoryItem<T>>();
        foreach (var key in await KeysAsync(source, cancellationToken).ConfigureAwait(false))
        {
            var item = await ReadAsync<T>(source, key, cancellationToken).ConfigureAwait(false);
            if (item is not null)
            {
                items.Add(item);
            }
        }

        return items;
    }

    private async ValueTask<WorkingMemoryItem<T>?> ReadAsync<T>(WorkingMemorySource source, string storeKey, CancellationToken cancellationToken)
    {
        var lookup = await _store.TryRetrieveAsync<T>(storeKey, cancellationToken).ConfigureAwait(false);
        var metadata = lookup.Found ? await _store.GetMetadataAsync(storeKey, cancellationToken).ConfigureAwait(false) : null;
        if (metadata is null)
        {
            return null;
        }

        var storedAt = new DateTimeOffset(metadata[StoredAtField].AsInt64(), TimeSpan.Zero);
        return new WorkingMemoryItem<T>(storeKey[PartPrefix(source).Length..], lookup.Value!, source, metadata[ImportanceField].AsDouble(), storedAt);
    }

    private string PartPrefix(WorkingMemorySource source) => _prefix + (source == WorkingMemorySource.ShortTerm ? "st:" : "lt:");

    private string KeyOf(WorkingMemorySource source, string key) => PartPrefix(source) + key;
}
