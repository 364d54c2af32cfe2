using System.Collections.Immutable;

namespace AgentMemory.Storage;

// IMemoryOperations: hash maps and lists. Fields and items are serialized one by one, held in immutable
// collections (so lock-free readers see a consistent snapshot) and charged to the byte budget one by one.
public sealed partial class InMemoryStore
{
    private static readonly ImmutableDictionary<string, byte[]> EmptyHash = ImmutableDictionary.Create<string, byte[]>(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, T>> GetHashAsync<T>(string key, CancellationToken cancellationToken = default)
    {
        var state = ReadKind(key, MemoryEntryKind.Hash, cancellationToken);
        var result = new Dictionary<string, T>(state is null ? 0 : (int)state.Length, StringComparer.Ordinal);
        if (state is not null)
        {
            foreach (var (field, bytes) in state.Hash)
            {
                result[field] = DeserializeField<T>(key, field, bytes);
            }
        }

        return new(result);
    }

    /// <inheritdoc />
    public ValueTask SetHashAsync<T>(string key, IReadOnlyDictionary<string, T> fields, MemoryEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForWrite(key);
        ArgumentNullException.ThrowIfNull(fields);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        var now = NowTicks();
        var (metadata, priority, expires) = ResolveOptions(key, options, now);
        if (fields.Count == 0)
        {
            DeleteCore(key);
            return default;
        }

        var builder = EmptyHash.ToBuilder();
        long payloadSize = 0;
        foreach (var (field, value) in fields)
        {
            ArgumentNullException.ThrowIfNull(field, nameof(fields));
            var bytes = _serializer.Serialize(value);
            builder[field] = bytes;
            payloadSize += FieldSize(field, bytes);
        }

        var hash = builder.ToImmutable();
        var keySize = 2L * key.Length;
        CheckFits(key, keySize + payloadSize + (metadata?.Length ?? 0));
        Mutate(key, now, (hash, payloadSize, metadata, priority, expires, keySize), static (current, now, a) =>
            new EntryState(MemoryEntryKind.Hash, a.hash, a.payloadSize, a.hash.Count, a.metadata, a.priority, current?.CreatedTicks ?? now, now, a.expires, a.keySize));
        return default;
    }

    /// <inheritdoc />
    public ValueTask<MemoryLookup<T>> GetHashFieldAsync<T>(string key, string field, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(field);
        var state = ReadKind(key, MemoryEntryKind.Hash, cancellationToken);
        return state is not null && state.Hash.TryGetValue(field, out var bytes)
            ? new(new MemoryLookup<T>(DeserializeField<T>(key, field, bytes)))
            : default;
    }

    /// <inheritdoc />
    public ValueTask<bool> SetHashFieldAsync<T>(string key, string field, T value, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForWrite(key);
        ArgumentNullException.ThrowIfNull(field);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        var bytes = _serializer.Serialize(value);
        var added = false;
        Mutate(key, NowTicks(), (field, bytes), (current, now, a) =>
        {
            if (current is null)
            {
                added = true;
                var created = EmptyHash.Add(a.field, a.bytes);
                return new EntryState(MemoryEntryKind.Hash, created, FieldSize(a.field, a.bytes), 1, null, MemoryPriority.Normal, now, now, EntryState.NoExpiry, 2L * key.Length);
            }

            if (current.Kind != MemoryEntryKind.Hash)
            {
                ThrowTypeMismatch(key, current.Kind, MemoryEntryKind.Hash);
            }

            var size = current.PayloadSize + FieldSize(a.field, a.bytes);
            if (current.Hash.TryGetValue(a.field, out var old))
            {
                size -= FieldSize(a.field, old);
            }
            else
            {
                added = true;
            }

            var hash = current.Hash.SetItem(a.field, a.bytes);
            return current.WithPayload(MemoryEntryKind.Hash, hash, size, hash.Count, now);
        });
        return new(added);
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteHashFieldAsync(string key, string field, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForRead(key);
        ArgumentNullException.ThrowIfNull(field);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        var removed = false;
        Mutate(key, NowTicks(), field, (current, now, f) =>
        {
            if (current is null)
            {
                return null;
            }

            if (current.Kind != MemoryEntryKind.Hash)
            {
                ThrowTypeMismatch(key, current.Kind, MemoryEntryKind.Hash);
            }

            if (!current.Hash.TryGetValue(f, out var old))
            {
                return current;
            }

            removed = true;
            var hash = current.Hash.Remove(f);
            return hash.Count == 0 ? null : current.WithPayload(MemoryEntryKind.Hash, hash, current.PayloadSize - FieldSize(f, old), hash.Count, now);
        });
        return new(removed);
    }

    /// <inheritdoc />
    public ValueTask<long> GetHashLengthAsync(string key, CancellationToken cancellationToken = default) =>
        new(ReadKind(key, MemoryEntryKind.Hash, cancellationToken)?.Length ?? 0);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<T>> GetListAsync<T>(string key, CancellationToken cancellationToken = default) =>
        GetListRangeAsync<T>(key, Range.All, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<T>> GetListRangeAsync<T>(string key, Range range, CancellationToken cancellationToken = default)
    {
        var state = ReadKind(key, MemoryEntryKind.List, cancellationToken);
        if (state is null)
        {
            return new(Array.Empty<T>());
        }

        var items = state.List;
        var start = Math.Clamp(range.Start.IsFromEnd ? items.Count - range.Start.Value : range.Start.Value, 0, items.Count);
        var end = Math.Clamp(range.End.IsFromEnd ? items.Count - range.End.Value : range.End.Value, 0, items.Count);
        if (end <= start)
        {
            return new(Array.Empty<T>());
        }

        var result = new T[end - start];
        for (var i = start; i < end; i++)
        {
            result[i - start] = DeserializeItem<T>(key, i, items[i]);
        }

        return new(result);
    }

    /// <inheritdoc />
    public ValueTask<long> AppendToListAsync<T>(string key, IEnumerable<T> values, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForWrite(key);
        ArgumentNullException.ThrowIfNull(values);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        var serialized = new List<byte[]>();
        long added = 0;
        foreach (var value in values)
        {
            var bytes = _serializer.Serialize(value);
            serialized.Add(bytes);
            added += bytes.Length;
        }

        var (before, after) = Mutate(key, NowTicks(), (serialized, added), (current, now, a) =>
        {
            if (a.serialized.Count == 0)
            {
                if (current is not null && current.Kind != MemoryEntryKind.List)
                {
                    ThrowTypeMismatch(key, current.Kind, MemoryEntryKind.List);
                }

                return current;
            }

            if (current is null)
            {
                var created = ImmutableList.CreateRange(a.serialized);
                return new EntryState(MemoryEntryKind.List, created, a.added, created.Count, null, MemoryPriority.Normal, now, now, EntryState.NoExpiry, 2L * key.Length);
            }

            if (current.Kind != MemoryEntryKind.List)
            {
                ThrowTypeMismatch(key, current.Kind, MemoryEntryKind.List);
            }

            var list = current.List.AddRange(a.serialized);
            return current.WithPayload(MemoryEntryKind.List, list, current.PayloadSize + a.added, list.Count, now);
        });
        return new(after?.Length ?? before?.Length ?? 0);
    }

    /// <inheritdoc />
    public ValueTask<long> GetListLengthAsync(string key, CancellationToken cancellationToken = default) =>
        new(ReadKind(key, MemoryEntryKind.List, cancellationToken)?.Length ?? 0);

    private static long FieldSize(string field, byte[] bytes) => (2L * field.Length) + bytes.Length;

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
