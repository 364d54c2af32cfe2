using System.Numerics;
using System.Runtime.InteropServices;
using AgentMemory.Persistence;
using AgentMemory.Storage;

namespace AgentMemory.Tiers;

// IMemoryOperations: each operation promotes its key into the hot tier, runs there atomically, and is persisted.
public sealed partial class TieredMemoryStore
{
    /// <inheritdoc />
    /// <remarks>
    /// The keys' stripes are held for the whole batch. In <see cref="DurabilityMode.WriteThrough"/> every successful
    /// item is committed to the long-term tier in one transaction before the call completes; if that commit fails, the
    /// hot tier is put back as it was and a <see cref="MemoryStorageException"/> is thrown.
    /// </remarks>
    public ValueTask<MemoryBatchResult> ExecuteBatchAsync(IEnumerable<MemoryBatchOperation> operations, CancellationToken cancellationToken = default)
    {
        var list = KeyRules.BatchOperations(operations);

        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();

        // The keys' stripes as a bit set, taken in index order (as every multi-stripe holder does).
        var stripes = 0UL;
        foreach (var operation in list)
        {
            stripes |= 1UL << StripeIndex(operation.Key ?? string.Empty);
        }

        var outcomes = new MemoryBatchOutcome[list.Count];
        var scratch = Interlocked.Exchange(ref _batchScratch, null) ?? new BatchScratch();
        var taken = 0UL;
        try
        {
            for (var rest = stripes; rest != 0; rest &= rest - 1)
            {
                var stripe = BitOperations.TrailingZeroCount(rest);
                Monitor.Enter(_stripes[stripe]);
                taken |= 1UL << stripe;
            }

            ThrowIfDisposed();

            // One clock reading for the batch's bookkeeping: an entry that expires during the batch is then treated
            // as live a moment longer, which only keeps a rollback copy or writes a row the sweep removes.
            var now = NowTicks();
            var slots = scratch.Slots;
            for (var i = 0; i < list.Count; i++)
            {
                var operation = list[i];
                var key = operation.Key;
                var valid = operation.Kind == MemoryBatchOperationKind.Store ? KeyRules.IsValidForWrite(key) : KeyRules.IsValidForRead(key);
                if (valid && operation.Kind == MemoryBatchOperationKind.Delete && !_hot.TryPeek(key, out _, out _))
                {
                    EnsureHotLocked(key, countAccess: false);
                }

                var slot = -1;
                if (valid)
                {
                    ref var index = ref CollectionsMarshal.GetValueRefOrAddDefault(scratch.Index, key, out var seen);
                    if (!seen)
                    {
                        index = slots.Count;
                        slots.Add(new BatchSlot(key, BeginOperation(key, now), false));
                    }

                    slot = index;
                }

                var single = outcomes[i] = _hot.ExecuteOne(i, operation);
                if (single.Status != MemoryBatchStatus.Failed && slot >= 0)
                {
                    CollectionsMarshal.AsSpan(slots)[slot].Touched = true;
                }
            }

            foreach (var slot in slots)
            {
                if (!slot.Touched)
                {
                    AbortOperation(slot.Key, slot.Before);
                }
            }

            PersistBatchLocked(scratch, now);
        }
        finally
        {
            for (var rest = taken; rest != 0; rest &= rest - 1)
            {
                Monitor.Exit(_stripes[BitOperations.TrailingZeroCount(rest)]);
            }

            if (scratch.Reset())
            {
                Volatile.Write(ref _batchScratch, scratch);
            }
        }

        AfterWrite();
        return new(new MemoryBatchResult(outcomes));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, T>> RetrieveManyAsync<T>(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var result = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (ReadValue(key, cancellationToken) is { } bytes)
            {
                result[key] = Deserialize<T>(key, bytes);
            }
        }

        return new(result);
    }

    /// <inheritdoc />
    public async ValueTask<long> DeleteManyAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var list = keys.ToList();
        foreach (var key in list)
        {
            KeyRules.ValidateForRead(key, nameof(keys));
        }

        long deleted = 0;
        foreach (var key in list.Distinct(StringComparer.Ordinal))
        {
            if (await DeleteAsync(key, cancellationToken).ConfigureAwait(false))
            {
                deleted++;
            }
        }

        return deleted;
    }

    /// <inheritdoc />
    public ValueTask<long> IncrementAsync(string key, long amount = 1, CancellationToken cancellationToken = default) =>
        new(WriteOp(key, cancellationToken, (key, amount), static (hot, a) => Sync(hot.IncrementAsync(a.key, a.amount))));

    /// <inheritdoc />
    public ValueTask<long> DecrementAsync(string key, long amount = 1, CancellationToken cancellationToken = default) =>
        new(WriteOp(key, cancellationToken, (key, amount), static (hot, a) => Sync(hot.DecrementAsync(a.key, a.amount))));

    /// <inheritdoc />
    public ValueTask<bool> CompareAndSwapAsync<T>(string key, T expected, T newValue, CancellationToken cancellationToken = default) =>
        new(WriteOp(key, cancellationToken, (key, expected, newValue), static (hot, a) => Sync(hot.CompareAndSwapAsync(a.key, a.expected, a.newValue))));

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, T>> GetHashAsync<T>(string key, CancellationToken cancellationToken = default) =>
        new(ReadOp(key, cancellationToken, key, static (hot, k) => Sync(hot.GetHashAsync<T>(k))));

    /// <inheritdoc />
    public ValueTask SetHashAsync<T>(string key, IReadOnlyDictionary<string, T> fields, MemoryEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fields);
        WriteOp(key, cancellationToken, (key, fields, options), static (hot, a) =>
        {
            Sync(hot.SetHashAsync(a.key, a.fields, a.options));
            return 0;
        }, ensureHot: false);
        return default;
    }

    /// <inheritdoc />
    public ValueTask<MemoryLookup<T>> GetHashFieldAsync<T>(string key, string field, CancellationToken cancellationToken = default) =>
        new(ReadOp(key, cancellationToken, (key, field), static (hot, a) => Sync(hot.GetHashFieldAsync<T>(a.key, a.field))));

    /// <inheritdoc />
    public ValueTask<bool> SetHashFieldAsync<T>(string key, string field, T value, CancellationToken cancellationToken = default) =>
        new(WriteOp(key, cancellationToken, (key, field, value), static (hot, a) => Sync(hot.SetHashFieldAsync(a.key, a.field, a.value))));

    /// <inheritdoc />
    public ValueTask<bool> DeleteHashFieldAsync(string key, string field, CancellationToken cancellationToken = default) =>
        new(WriteOp(key, cancellationToken, (key, field), static (hot, a) => Sync(hot.DeleteHashFieldAsync(a.key, a.field))));

    /// <inheritdoc />
    public ValueTask<long> GetHashLengthAsync(string key, CancellationToken cancellationToken = default) =>
        new(ReadOp(key, cancellationToken, key, static (hot, k) => Sync(hot.GetHashLengthAsync(k))));

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<T>> GetListAsync<T>(string key, CancellationToken cancellationToken = default) =>
        new(ReadOp(key, cancellationToken, key, static (hot, k) => Sync(hot.GetListAsync<T>(k))));

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<T>> GetListRangeAsync<T>(string key, Range range, CancellationToken cancellationToken = default) =>
        new(ReadOp(key, cancellationToken, (key, range), static (hot, a) => Sync(hot.GetListRangeAsync<T>(a.key, a.range))));

    /// <inheritdoc />
    public ValueTask<long> AppendToListAsync<T>(string key, IEnumerable<T> values, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new(WriteOp(key, cancellationToken, (key, values), static (hot, a) => Sync(hot.AppendToListAsync(a.key, a.values))));
    }

    /// <inheritdoc />
    public ValueTask<long> GetListLengthAsync(string key, CancellationToken cancellationToken = default) =>
        new(ReadOp(key, cancellationToken, key, static (hot, k) => Sync(hot.GetListLengthAsync(k))));

    private TResult WriteOp<TArg, TResult>(string key, CancellationToken cancellationToken, TArg arg, Func<InMemoryStore, TArg, TResult> operation, bool ensureHot = true)
    {
        KeyRules.ValidateForWrite(key);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        return Mutate(key, ensureHot, arg, operation);
    }

    /// <summary>Runs a hot-tier read after promoting the key from below when the hot tier lacks it.</summary>
    private TResult ReadOp<TArg, TResult>(string key, CancellationToken cancellationToken, TArg arg, Func<InMemoryStore, TArg, TResult> operation)
    {
        KeyRules.ValidateForRead(key);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        if (_hot.TryPeek(key, out _, out _))
        {
            return operation(_hot, arg);
        }

        PersistedEntry? below = null;
        TResult result = default!;
        var done = false;
        lock (StripeOf(key))
        {
            ThrowIfDisposed();
            if (!EnsureHotLocked(key, countAccess: false))
            {
                below = FindBelowLocked(key, out _);
            }
            else
            {
                // Read while the stripe is held: once it is released, consolidation may demote the entry again.
                result = operation(_hot, arg);
                done = true;
            }
        }

        AfterWrite();
        if (done)
        {
            return result;
        }

        if (below is null)
        {
            return operation(_hot, arg);
        }

        // The entry could not stay in the hot tier (it is larger than its budget): read it in a private one.
        using var scratch = new InMemoryStore(null, _time, _serializer);
        scratch.Install(below);
        return operation(scratch, arg);
    }

    /// <summary>Persists every key a batch changed; in write-through mode in one transaction. Caller holds the keys' stripes.</summary>
    private void PersistBatchLocked(BatchScratch scratch, long nowTicks)
    {
        if (_options.Durability != DurabilityMode.WriteThrough)
        {
            foreach (var slot in scratch.Slots)
            {
                if (slot.Touched)
                {
                    PersistLocked(slot.Key, slot.Before);
                }
            }

            return;
        }

        var writes = scratch.Writes;
        foreach (var slot in scratch.Slots)
        {
            if (slot.Touched)
            {
                var current = CurrentAfterOperation(slot.Key, nowTicks);
                writes.Add(current is null ? LongTermWrite.Delete(slot.Key) : LongTermWrite.Upsert(current));
            }
        }

        try
        {
            if (_archive is not null)
            {
                foreach (var write in writes)
                {
                    if (_archive.Contains(write.Key))
                    {
                        _archive.Remove(write.Key);
                    }
                }
            }

            // Committed directly, in one transaction: in this mode nothing else buffers writes for these keys.
            lock (_flushGate)
            {
                _longTerm.Apply(writes);
            }
        }
        catch
        {
            foreach (var slot in scratch.Slots)
            {
                if (slot.Touched)
                {
                    Restore(slot.Key, slot.Before);
                }
            }

            throw;
        }
    }

    /// <summary>The per-call state of a batch, reused by the next batch so that a large batch does not allocate it anew each call.</summary>
    private BatchScratch? _batchScratch;

    /// <summary>One key of a batch: its version before the batch, for rollback, and whether any operation changed it.</summary>
    private record struct BatchSlot(string Key, Before Before, bool Touched);

    /// <summary>A batch's keys in first-seen order with their slots, and its long-term writes. Used by one batch at a time.</summary>
    private sealed class BatchScratch
    {
        /// <summary>Above this many keys a batch's scratch is dropped instead of kept, so one huge batch does not pin its memory.</summary>
        private const int MaxKeptKeys = 1 << 14;

        public Dictionary<string, int> Index { get; } = new(StringComparer.Ordinal);

        public List<BatchSlot> Slots { get; } = [];

        public List<LongTermWrite> Writes { get; } = [];

        /// <summary>Empties the scratch; false when it grew too large to keep.</summary>
        public bool Reset()
        {
            var keep = Slots.Count <= MaxKeptKeys;
            Index.Clear();
            Slots.Clear();
            Writes.Clear();
            return keep;
        }
    }

    private int StripeIndex(string key) => key.GetHashCode() & (StripeCount - 1);
}
