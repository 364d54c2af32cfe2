using System.Globalization;

namespace AgentMemory.AgentFramework;

/// <summary>Contexts and their event logs.</summary>
public sealed partial class AgentMemoryFacade
{
    private const string UpdatedAtField = "updated_at";

    /// <inheritdoc />
    public ValueTask SetContextAsync<T>(string contextId, T data, TimeSpan? ttl = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(contextId);
        var metadata = new Dictionary<string, MetadataValue> { [UpdatedAtField] = _time.GetUtcNow().ToUnixTimeMilliseconds() };
        return _store.StoreAsync(ContextKey(contextId), data, EntryOptions(ttl, metadata), cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<AgentContext<T>?> GetContextAsync<T>(string contextId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(contextId);
        var key = ContextKey(contextId);
        var lookup = await _store.TryRetrieveAsync<T>(key, cancellationToken).ConfigureAwait(false);
        if (!lookup.Found)
        {
            return null;
        }

        var info = await _store.GetEntryInfoAsync(key, cancellationToken).ConfigureAwait(false);
        var metadata = await _store.GetMetadataAsync(key, cancellationToken).ConfigureAwait(false);
        var updatedAt = metadata is not null && metadata.TryGetValue(UpdatedAtField, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms.AsInt64())
            : info?.UpdatedAt ?? _time.GetUtcNow();
        return new AgentContext<T>(contextId, lookup.Value!, updatedAt, info?.ExpiresAt);
    }

    /// <inheritdoc />
    public async ValueTask<bool> ClearContextAsync(string contextId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(contextId);
        using (await _gates.EnterAsync(EventGateName(contextId), cancellationToken).ConfigureAwait(false))
        {
            var count = await _store.RetrieveAsync<long>(EventCounterKey(contextId), cancellationToken).ConfigureAwait(false);
            var keys = new List<string>((int)Math.Min(count + 2, 4096)) { ContextKey(contextId), EventCounterKey(contextId) };
            for (long n = 1; n <= count; n++)
            {
                keys.Add(EventKey(contextId, n));
            }

            return await _operations.DeleteManyAsync(keys, cancellationToken).ConfigureAwait(false) > 0;
        }
    }

    /// <inheritdoc />
    public async ValueTask<long> AppendEventAsync<T>(string contextId, T eventData, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(contextId);
        using (await _gates.EnterAsync(EventGateName(contextId), cancellationToken).ConfigureAwait(false))
        {
            var info = await _store.GetEntryInfoAsync(ContextKey(contextId), cancellationToken).ConfigureAwait(false);
            var expiry = info?.ExpiresAt;
            var counterKey = EventCounterKey(contextId);
            var counter = await _store.TryRetrieveAsync<long>(counterKey, cancellationToken).ConfigureAwait(false);
            var sequence = (counter.Found ? counter.Value : 0) + 1;
            var options = new MemoryEntryOptions { AbsoluteExpiration = expiry };
            await _store.StoreAsync(EventKey(contextId, sequence), eventData, options, cancellationToken).ConfigureAwait(false);

            // The counter lives as long as the longest-lived event it counts.
            var counterInfo = counter.Found ? await _store.GetEntryInfoAsync(counterKey, cancellationToken).ConfigureAwait(false) : null;
            var counterExpiry = !counter.Found ? expiry : Later(counterInfo?.ExpiresAt, expiry);
            await _store.StoreAsync(counterKey, sequence, new MemoryEntryOptions { AbsoluteExpiration = counterExpiry }, cancellationToken).ConfigureAwait(false);
            return sequence;
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<T>> GetEventsAsync<T>(string contextId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(contextId);
        var count = await _store.RetrieveAsync<long>(EventCounterKey(contextId), cancellationToken).ConfigureAwait(false);
        var events = new List<T>((int)Math.Min(count, 4096));
        const int Chunk = 512;
        var keys = new List<string>(Chunk);
        for (long start = 1; start <= count; start += Chunk)
        {
            keys.Clear();
            for (var n = start; n <= Math.Min(count, start + Chunk - 1); n++)
            {
                keys.Add(EventKey(contextId, n));
            }

            var values = await _operations.RetrieveManyAsync<T>(keys, cancellationToken).ConfigureAwait(false);
            foreach (var key in keys)
            {
                if (values.TryGetValue(key, out var value))
                {
                    events.Add(value);
                }
            }
        }

        return events;
    }

    /// <summary>The later of two expiries, where null (no expiry) is later than any time.</summary>
    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b)
        => a is null || b is null ? null : a > b ? a : b;

    private static string EventGateName(string contextId) => "ctx:" + contextId;

    private string ContextKey(string contextId) => Key("ctx:", contextId);

    private string EventCounterKey(string contextId) => Key("ctxn:", contextId);

    private string EventKey(string contextId, long sequence) => Key("ctxe:", string.Concat(sequence.ToString(CultureInfo.InvariantCulture), ":", contextId));
}
