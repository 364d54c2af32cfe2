namespace AgentMemory.Storage;

// IMemoryOperations: batches, counters and compare-and-swap.
public sealed partial class InMemoryStore
{
    /// <inheritdoc />
    public ValueTask<MemoryBatchResult> ExecuteBatchAsync(IEnumerable<MemoryBatchOperation> operations, CancellationToken cancellationToken = default)
    {
        var list = KeyRules.BatchOperations(operations);

        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        var outcomes = new MemoryBatchOutcome[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            outcomes[i] = ExecuteOne(i, list[i]);
        }

        return new(new MemoryBatchResult(outcomes));
    }

    /// <summary>Runs one batch operation; a bad key or a storage rule it breaks becomes a failed outcome, not an exception.</summary>
    internal MemoryBatchOutcome ExecuteOne(int index, MemoryBatchOperation operation)
    {
        try
        {
            MemoryBatchStatus status;
            if (operation.Kind == MemoryBatchOperationKind.Store)
            {
                KeyRules.ValidateForWrite(operation.Key, "operations");
                StoreValue(operation.Key, _serializer.Serialize(operation.Value, operation.ValueType!), operation.Options);
                status = MemoryBatchStatus.Stored;
            }
            else
            {
                KeyRules.ValidateForRead(operation.Key, "operations");
                status = DeleteCore(operation.Key) ? MemoryBatchStatus.Deleted : MemoryBatchStatus.NotFound;
            }

            return new MemoryBatchOutcome(index, operation.Key, operation.Kind, status, null);
        }
        catch (Exception ex) when (ex is ArgumentException or MemoryException)
        {
            return new MemoryBatchOutcome(index, operation.Key, operation.Kind, MemoryBatchStatus.Failed, ex);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, T>> RetrieveManyAsync<T>(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        var list = MaterializeKeys(keys);
        var result = new Dictionary<string, T>(list.Count, StringComparer.Ordinal);
        foreach (var key in list)
        {
            if (!result.ContainsKey(key) && ReadValue(key, cancellationToken) is { } state)
            {
                result[key] = Deserialize<T>(key, state.Value);
            }
        }

        return new(result);
    }

    /// <inheritdoc />
    public ValueTask<long> DeleteManyAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        var list = MaterializeKeys(keys);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        long deleted = 0;
        foreach (var key in list)
        {
            if (DeleteCore(key))
            {
                deleted++;
            }
        }

        return new(deleted);
    }

    /// <inheritdoc />
    public ValueTask<long> IncrementAsync(string key, long amount = 1, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForWrite(key);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        var counter = new CounterUpdate(key, amount, _serializer);
        Mutate(key, NowTicks(), ref counter, static (EntryState? current, long now, ref CounterUpdate update) => update.Apply(current, now));
        return new(counter.Result);
    }

    /// <inheritdoc />
    public ValueTask<long> DecrementAsync(string key, long amount = 1, CancellationToken cancellationToken = default)
    {
        if (amount == long.MinValue)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, "Cannot decrement by long.MinValue: its negation does not fit in 64 bits.");
        }

        return IncrementAsync(key, -amount, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> CompareAndSwapAsync<T>(string key, T expected, T newValue, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForWrite(key);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        var expectedBytes = _serializer.Serialize(expected);
        var newBytes = _serializer.Serialize(newValue);
        var (before, after) = Mutate(key, NowTicks(), (expectedBytes, newBytes), (current, now, a) =>
        {
            if (current is null)
            {
                return null;
            }

            if (current.Kind != MemoryEntryKind.Value)
            {
                ThrowTypeMismatch(key, current.Kind, MemoryEntryKind.Value);
            }

            return current.Value.AsSpan().SequenceEqual(a.expectedBytes)
                ? current.WithPayload(MemoryEntryKind.Value, a.newBytes, a.newBytes.Length, 1, now)
                : current;
        });
        return new(before is not null && !ReferenceEquals(before, after));
    }

    private static List<string> MaterializeKeys(IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var list = keys.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (string.IsNullOrEmpty(list[i]))
            {
                KeyRules.ValidateForRead(list[i], $"{nameof(keys)}[{i}]");
            }
        }

        return list;
    }

    /// <summary>The arguments and result of one atomic increment, passed by reference so the hot path allocates no closure.</summary>
    private struct CounterUpdate(string key, long delta, IMemorySerializer serializer)
    {
        public long Result { get; private set; }

        public EntryState Apply(EntryState? current, long now)
        {
            long value = 0;
            if (current is not null)
            {
                if (current.Kind != MemoryEntryKind.Value)
                {
                    ThrowTypeMismatch(key, current.Kind, MemoryEntryKind.Value);
                }

                try
                {
                    value = serializer.Deserialize<long>(current.Value);
                }
                catch (MemorySerializationException ex)
                {
                    throw new MemoryTypeMismatchException(key, $"The key '{key}' holds a value that is not a 64-bit integer, so it cannot be incremented.", ex);
                }
            }

            try
            {
                Result = checked(value + delta);
            }
            catch (OverflowException ex)
            {
                throw new MemoryOverflowException(key, $"Adding {delta} to {value} under key '{key}' would overflow a 64-bit integer; the counter keeps {value}.", ex);
            }

            var bytes = serializer.Serialize(Result);
            return current is null
                ? new EntryState(MemoryEntryKind.Value, bytes, bytes.Length, 1, null, MemoryPriority.Normal, now, now, EntryState.NoExpiry, 2L * key.Length)
                : current.WithPayload(MemoryEntryKind.Value, bytes, bytes.Length, 1, now);
        }
    }
}
