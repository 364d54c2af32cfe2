using System.Globalization;
using AgentMemory.Coordination;

namespace AgentMemory.AgentFramework;

/// <summary>
/// The default <see cref="IWorkingMemory"/>: short-term items as expiring store entries and long-term facts as
/// non-expiring <see cref="MemoryPriority.High"/> entries under the agent's key prefix, with importance and time
/// stored as entry metadata. Each part has an index hash (key → importance and time) so listing and capacity
/// checks read the index instead of scanning the store's keys. An index field whose item expired is skipped
/// and removed at the next capacity check.
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
        var ticks = _time.GetUtcNow().UtcTicks;
        var metadata = new Dictionary<string, MetadataValue>
        {
            [ImportanceField] = importance,
            [StoredAtField] = ticks,
        };
        var options = source == WorkingMemorySource.LongTerm
            ? new MemoryEntryOptions { Priority = MemoryPriority.High, Metadata = metadata }
            : new MemoryEntryOptions { Ttl = _options.ShortTermTtl, Metadata = metadata };
        using (await _gates.EnterAsync(_prefix, cancellationToken).ConfigureAwait(false))
        {
            var other = Other(source);
            await _store.DeleteAsync(KeyOf(other, key), cancellationToken).ConfigureAwait(false);
            await _operations.DeleteHashFieldAsync(IndexKey(other), key, cancellationToken).ConfigureAwait(false);
            await _store.StoreAsync(KeyOf(source, key), value, options, cancellationToken).ConfigureAwait(false);
            await IndexAsync(source, key, importance, ticks, cancellationToken).ConfigureAwait(false);
            await EnforceCapacityAsync(source, cancellationToken).ConfigureAwait(false);
        }

        return source;
    }

    public async ValueTask<WorkingMemoryItem<T>?> RecallAsync<T>(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        foreach (var source in new[] { WorkingMemorySource.ShortTerm, WorkingMemorySource.LongTerm })
        {
            var storeKey = KeyOf(source, key);
            var lookup = await _store.TryRetrieveAsync<T>(storeKey, cancellationToken).ConfigureAwait(false);
            var metadata = lookup.Found ? await _store.GetMetadataAsync(storeKey, cancellationToken).ConfigureAwait(false) : null;
            if (metadata is not null)
            {
                var storedAt = new DateTimeOffset(metadata[StoredAtField].AsInt64(), TimeSpan.Zero);
                return new WorkingMemoryItem<T>(key, lookup.Value!, source, metadata[ImportanceField].AsDouble(), storedAt);
            }
        }

        return null;
    }

    public async ValueTask<IReadOnlyList<WorkingMemoryItem<T>>> GetActiveContextAsync<T>(int maxItems = 20, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxItems, 1);
        var result = new List<WorkingMemoryItem<T>>(maxItems);
        var shortTerm = (await ReadIndexAsync(WorkingMemorySource.ShortTerm, cancellationToken).ConfigureAwait(false))
            .OrderByDescending(e => e.Ticks).ThenBy(e => e.Key, StringComparer.Ordinal);
        await FillAsync(result, WorkingMemorySource.ShortTerm, shortTerm, maxItems, cancellationToken).ConfigureAwait(false);
        if (result.Count < maxItems)
        {
            var longTerm = (await ReadIndexAsync(WorkingMemorySource.LongTerm, cancellationToken).ConfigureAwait(false))
                .OrderByDescending(e => e.Importance).ThenByDescending(e => e.Ticks).ThenBy(e => e.Key, StringComparer.Ordinal);
            await FillAsync(result, WorkingMemorySource.LongTerm, longTerm, maxItems, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    public async ValueTask<bool> ForgetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        using (await _gates.EnterAsync(_prefix, cancellationToken).ConfigureAwait(false))
        {
            var removed = await _operations.DeleteManyAsync([KeyOf(WorkingMemorySource.ShortTerm, key), KeyOf(WorkingMemorySource.LongTerm, key)], cancellationToken).ConfigureAwait(false);
            await _operations.DeleteHashFieldAsync(IndexKey(WorkingMemorySource.ShortTerm), key, cancellationToken).ConfigureAwait(false);
            await _operations.DeleteHashFieldAsync(IndexKey(WorkingMemorySource.LongTerm), key, cancellationToken).ConfigureAwait(false);
            return removed > 0;
        }
    }

    public async ValueTask<long> ClearAsync(WorkingMemorySource source, CancellationToken cancellationToken = default)
    {
        if (!Enum.IsDefined(source))
        {
            throw new ArgumentException($"Working memory source {(int)source} is not defined.", nameof(source));
        }

        using (await _gates.EnterAsync(_prefix, cancellationToken).ConfigureAwait(false))
        {
            var index = await ReadIndexAsync(source, cancellationToken).ConfigureAwait(false);
            var removed = await _operations.DeleteManyAsync(index.Select(e => KeyOf(source, e.Key)).ToList(), cancellationToken).ConfigureAwait(false);
            await _store.DeleteAsync(IndexKey(source), cancellationToken).ConfigureAwait(false);
            return removed;
        }
    }

    private static WorkingMemorySource Other(WorkingMemorySource source)
        => source == WorkingMemorySource.ShortTerm ? WorkingMemorySource.LongTerm : WorkingMemorySource.ShortTerm;

    private async ValueTask FillAsync<T>(List<WorkingMemoryItem<T>> result, WorkingMemorySource source, IEnumerable<IndexEntry> ordered, int maxItems, CancellationToken cancellationToken)
    {
        foreach (var entry in ordered)
        {
            if (result.Count >= maxItems)
            {
                return;
            }

            var lookup = await _store.TryRetrieveAsync<T>(KeyOf(source, entry.Key), cancellationToken).ConfigureAwait(false);
            if (lookup.Found)
            {
                result.Add(new WorkingMemoryItem<T>(entry.Key, lookup.Value!, source, entry.Importance, new DateTimeOffset(entry.Ticks, TimeSpan.Zero)));
            }
        }
    }

    private async ValueTask EnforceCapacityAsync(WorkingMemorySource source, CancellationToken cancellationToken)
    {
        var capacity = source == WorkingMemorySource.ShortTerm ? _options.ShortTermCapacity : _options.LongTermCapacity;
        if (await _operations.GetHashLengthAsync(IndexKey(source), cancellationToken).ConfigureAwait(false) <= capacity)
        {
            return;
        }

        // Over capacity by the index: first drop index fields whose item is gone (expired), then the oldest
        // short-term items or the least important (then oldest) facts.
        var live = new List<IndexEntry>();
        var stale = new List<string>();
        foreach (var entry in await ReadIndexAsync(source, cancellationToken).ConfigureAwait(false))
        {
            if (await _store.ExistsAsync(KeyOf(source, entry.Key), cancellationToken).ConfigureAwait(false))
            {
                live.Add(entry);
            }
            else
            {
                stale.Add(entry.Key);
            }
        }

        var victims = (source == WorkingMemorySource.ShortTerm
                ? live.OrderBy(e => e.Ticks)
                : live.OrderBy(e => e.Importance).ThenBy(e => e.Ticks))
            .Take(Math.Max(0, live.Count - capacity))
            .Select(e => e.Key)
            .ToList();
        await _operations.DeleteManyAsync(victims.Select(k => KeyOf(source, k)).ToList(), cancellationToken).ConfigureAwait(false);
        foreach (var key in stale.Concat(victims))
        {
            await _operations.DeleteHashFieldAsync(IndexKey(source), key, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask IndexAsync(WorkingMemorySource source, string key, double importance, long ticks, CancellationToken cancellationToken)
    {
        var value = string.Create(CultureInfo.InvariantCulture, $"{importance:R}|{ticks}");
        var indexKey = IndexKey(source);
        if (await _store.ExistsAsync(indexKey, cancellationToken).ConfigureAwait(false))
        {
            await _operations.SetHashFieldAsync(indexKey, key, value, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // Created with High priority, like the facts, so eviction does not lose the index before the items.
            var fields = new Dictionary<string, string>(StringComparer.Ordinal) { [key] = value };
            await _operations.SetHashAsync(indexKey, fields, new MemoryEntryOptions { Priority = MemoryPriority.High }, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<List<IndexEntry>> ReadIndexAsync(WorkingMemorySource source, CancellationToken cancellationToken)
    {
        var fields = await _operations.GetHashAsync<string>(IndexKey(source), cancellationToken).ConfigureAwait(false);
        var entries = new List<IndexEntry>(fields.Count);
        foreach (var (key, value) in fields)
        {
            var bar = value.IndexOf('|', StringComparison.Ordinal);
            entries.Add(new IndexEntry(
                key,
                double.Parse(value.AsSpan(0, bar), NumberStyles.Float, CultureInfo.InvariantCulture),
                long.Parse(value.AsSpan(bar + 1), NumberStyles.Integer, CultureInfo.InvariantCulture)));
        }

        return entries;
    }

    private string IndexKey(WorkingMemorySource source) => _prefix + (source == WorkingMemorySource.ShortTerm ? "idx:st" : "idx:lt");

    private string KeyOf(WorkingMemorySource source, string key) => _prefix + (source == WorkingMemorySource.ShortTerm ? "st:" : "lt:") + key;

    /// <summary>One index field: an item's key, importance and store time.</summary>
    private readonly record struct IndexEntry(string Key, double Importance, long Ticks);
}
