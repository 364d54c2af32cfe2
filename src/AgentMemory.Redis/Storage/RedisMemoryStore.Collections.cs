using AgentMemory.Storage;
using StackExchange.Redis;

namespace AgentMemory.Redis.Storage;

// IMemoryOperations: hash maps as Redis hashes and lists as Redis lists, fields and items holding serialized bytes.
public sealed partial class RedisMemoryStore
{
    /// <inheritdoc />
    public async ValueTask<IReadOnlyDictionary<string, T>> GetHashAsync<T>(string key, CancellationToken cancellationToken = default)
    {
        var payload = await ReadCollectionAsync(key, MemoryEntryKind.Hash, cancellationToken, "ha").ConfigureAwait(false);
        var result = new Dictionary<string, T>(StringComparer.Ordinal);
        if (payload is not null)
        {
            var flat = (RedisResult[])payload!;
            for (var i = 0; i + 1 < flat.Length; i += 2)
            {
                var field = (string)flat[i]!;
                result[field] = DeserializeField<T>(key, field, (byte[])flat[i + 1]!);
            }
        }

        return result;
    }

    /// <inheritdoc />
    public async ValueTask SetHashAsync<T>(string key, IReadOnlyDictionary<string, T> fields, MemoryEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForWrite(key);
        ArgumentNullException.ThrowIfNull(fields);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        var (metadata, priority, expiry) = Resolve(key, options);
        if (fields.Count == 0)
        {
            await DeleteAsync(key, cancellationToken).ConfigureAwait(false);
            return;
        }

        var pairs = new RedisValue[2 * fields.Count];
        long payloadSize = 0;
        var i = 0;
        foreach (var (field, value) in fields)
        {
            ArgumentNullException.ThrowIfNull(field, nameof(fields));
            var bytes = _serializer.Serialize(value);
            pairs[i++] = field;
            pairs[i++] = bytes;
            payloadSize += (2L * field.Length) + bytes.Length;
        }

        var args = Args(key, [(int)priority, expiry.Ticks, expiry.Milliseconds, Bytes(metadata), 2L * key.Length, payloadSize, .. pairs]);
        await RunAsync(RedisScripts.SetHash, key, _layout.EntryKeys(key), args).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<MemoryLookup<T>> GetHashFieldAsync<T>(string key, string field, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(field);
        var payload = await ReadCollectionAsync(key, MemoryEntryKind.Hash, cancellationToken, "hf", field).ConfigureAwait(false);
        return payload is null || payload.IsNull ? default : new MemoryLookup<T>(DeserializeField<T>(key, field, (byte[])payload!));
    }

    /// <inheritdoc />
    public async ValueTask<bool> SetHashFieldAsync<T>(string key, string field, T value, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForWrite(key);
        ArgumentNullException.ThrowIfNull(field);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        var bytes = _serializer.Serialize(value);
        var parts = (RedisResult[])(await RunAsync(RedisScripts.SetHashField, key, _layout.EntryKeys(key), Args(key, field, bytes, 2L * field.Length, 2L * key.Length)).ConfigureAwait(false))!;
        CheckKind(key, parts, MemoryEntryKind.Hash);
        return (long)parts[1] == 1;
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteHashFieldAsync(string key, string field, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForRead(key);
        ArgumentNullException.ThrowIfNull(field);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        var parts = (RedisResult[])(await RunAsync(RedisScripts.DeleteHashField, key, _layout.EntryKeys(key), Args(key, field, 2L * field.Length)).ConfigureAwait(false))!;
        CheckKind(key, parts, MemoryEntryKind.Hash);
        return (long)parts[1] == 1;
    }

    /// <inheritdoc />
    public async ValueTask<long> GetHashLengthAsync(string key, CancellationToken cancellationToken = default)
    {
        var payload = await ReadCollectionAsync(key, MemoryEntryKind.Hash, cancellationToken, "hl").ConfigureAwait(false);
        return payload is null ? 0 : (long)payload;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<T>> GetListAsync<T>(string key, CancellationToken cancellationToken = default) =>
        GetListRangeAsync<T>(key, Range.All, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<T>> GetListRangeAsync<T>(string key, Range range, CancellationToken cancellationToken = default)
    {
        var payload = await ReadCollectionAsync(
            key,
            MemoryEntryKind.List,
            cancellationToken,
            "lr",
            range.Start.IsFromEnd ? "1" : "0",
            range.Start.Value,
            range.End.IsFromEnd ? "1" : "0",
            range.End.Value).ConfigureAwait(false);
        if (payload is null)
        {
            return Array.Empty<T>();
        }

        var items = (RedisResult[])payload!;
        var start = range.Start.IsFromEnd ? -1 : range.Start.Value;
        var result = new T[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            result[i] = DeserializeItem<T>(key, start < 0 ? i : start + i, (byte[])items[i]!);
        }

        return result;
    }

    /// <inheritdoc />
    public async ValueTask<long> AppendToListAsync<T>(string key, IEnumerable<T> values, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForWrite(key);
        ArgumentNullException.ThrowIfNull(values);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        var items = new List<RedisValue>();
        long added = 0;
        foreach (var value in values)
        {
            var bytes = _serializer.Serialize(value);
            items.Add(bytes);
            added += bytes.Length;
        }

        var parts = (RedisResult[])(await RunAsync(RedisScripts.Append, key, _layout.EntryKeys(key), Args(key, [added, 2L * key.Length, .. items])).ConfigureAwait(false))!;
        CheckKind(key, parts, MemoryEntryKind.List);
        return (long)parts[1];
    }

    /// <inheritdoc />
    public async ValueTask<long> GetListLengthAsync(string key, CancellationToken cancellationToken = default)
    {
        var payload = await ReadCollectionAsync(key, MemoryEntryKind.List, cancellationToken, "ll").ConfigureAwait(false);
        return payload is null ? 0 : (long)payload;
    }

    /// <summary>Runs a hash or list read; returns its payload, or null when the key holds no live entry. Counts the hit or miss.</summary>
    private async ValueTask<RedisResult?> ReadCollectionAsync(string key, MemoryEntryKind kind, CancellationToken cancellationToken, params RedisValue[] operation)
    {
        KeyRules.ValidateForRead(key);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        var result = await RunAsync(RedisScripts.Read, key, _layout.EntryKeys(key), Args(key, operation)).ConfigureAwait(false);
        if (result.IsNull)
        {
            _misses.Increment();
            return null;
        }

        _hits.Increment();
        var parts = (RedisResult[])result!;
        CheckKind(key, parts, kind);
        return parts[1];
    }

    private T DeserializeField<T>(string key, string field, byte[] bytes)
    {
        try
        {
            return _serializer.Deserialize<T>(bytes);
        }
        catch (MemorySerializationException ex)
        {
            throw new MemorySerializationException(key, $"The field '{field}' of the hash under key '{key}' cannot be read as {typeof(T)}: {ex.Message}", ex);
        }
    }

    private T DeserializeItem<T>(string key, int index, byte[] bytes)
    {
        try
        {
            return _serializer.Deserialize<T>(bytes);
        }
        catch (MemorySerializationException ex)
        {
            throw new MemorySerializationException(key, $"The item at index {index} of the list under key '{key}' cannot be read as {typeof(T)}: {ex.Message}", ex);
        }
    }
}
