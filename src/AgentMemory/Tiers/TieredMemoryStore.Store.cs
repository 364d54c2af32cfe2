using AgentMemory.Persistence;
using AgentMemory.Serialization;
using AgentMemory.Storage;

namespace AgentMemory.Tiers;

// IMemoryStore: the read-through path and the writes.
public sealed partial class TieredMemoryStore
{
    /// <inheritdoc />
    /// <remarks>
    /// With <see cref="MemoryEntryOptions.Tier"/> = <see cref="MemoryTier.LongTerm"/> the value is committed to the
    /// long-term tier before the call completes (in every durability mode) and is not kept in the hot tier.
    /// </remarks>
    public ValueTask StoreAsync<T>(string key, T value, MemoryEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForWrite(key);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        CheckTier(key, options);
        if (options?.Tier == MemoryTier.LongTerm)
        {
            StoreLongTerm(key, _serializer.Serialize(value), options);
            return default;
        }

        Mutate(key, ensureHot: false, (key, value, options), static (hot, a) => Sync(hot.StoreAsync(a.key, a.value, a.options)));
        return default;
    }

    /// <inheritdoc />
    public ValueTask StoreRawAsync(string key, ReadOnlyMemory<byte> value, MemoryEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForWrite(key);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        CheckTier(key, options);
        if (options?.Tier == MemoryTier.LongTerm)
        {
            StoreLongTerm(key, value.ToArray(), options);
            return default;
        }

        Mutate(key, ensureHot: false, (key, value, options), static (hot, a) => Sync(hot.StoreRawAsync(a.key, a.value, a.options)));
        return default;
    }

    /// <inheritdoc />
    public ValueTask<T?> RetrieveAsync<T>(string key, CancellationToken cancellationToken = default)
    {
        var bytes = ReadValue(key, cancellationToken);
        return bytes is null ? default : new ValueTask<T?>(Deserialize<T>(key, bytes.Value));
    }

    /// <inheritdoc />
    public ValueTask<MemoryLookup<T>> TryRetrieveAsync<T>(string key, CancellationToken cancellationToken = default)
    {
        var bytes = ReadValue(key, cancellationToken);
        return bytes is null ? default : new ValueTask<MemoryLookup<T>>(new MemoryLookup<T>(Deserialize<T>(key, bytes.Value)));
    }

    /// <inheritdoc />
    public ValueTask<ReadOnlyMemory<byte>?> RetrieveRawAsync(string key, CancellationToken cancellationToken = default) =>
        new(ReadValue(key, cancellationToken));

    /// <inheritdoc />
    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForRead(key);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        bool existed;
        lock (StripeOf(key))
        {
            ThrowIfDisposed();
            var inHot = _hot.TryPeek(key, out _, out _);
            var below = inHot ? null : FindBelowLocked(key, out _);
            existed = inHot || below is not null;
            if (existed)
            {
                var before = BeginOperation(key);
                Sync(_hot.DeleteAsync(key, CancellationToken.None));
                PersistLocked(key, before);
                if (!inHot)
                {
                    // The hot tier did not hold it, so it published nothing.
                    _hot.EmitExternal(key, below, null);
                }
            }
        }

        AfterWrite();
        return new(existed);
    }

    /// <inheritdoc />
    public ValueTask<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) =>
        new(Peek(key, cancellationToken) is not null);

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, MetadataValue>?> GetMetadataAsync(string key, CancellationToken cancellationToken = default) =>
        new(Peek(key, cancellationToken) is { } entry ? MetadataCodec.Decode(entry.Metadata) : null);

    /// <inheritdoc />
    public ValueTask<bool> UpdateMetadataAsync(string key, IReadOnlyDictionary<string, MetadataValue> metadata, MetadataUpdateMode mode = MetadataUpdateMode.Merge, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForRead(key);
        ArgumentNullException.ThrowIfNull(metadata);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        return new(Mutate(key, ensureHot: true, (key, metadata, mode), static (hot, a) => Sync(hot.UpdateMetadataAsync(a.key, a.metadata, a.mode))));
    }

    /// <inheritdoc />
    public ValueTask<MemoryEntryInfo?> GetEntryInfoAsync(string key, CancellationToken cancellationToken = default) =>
        new(Peek(key, cancellationToken) is { } entry ? PayloadCodec.ToState(entry).ToInfo(key) : null);

    /// <inheritdoc />
    /// <remarks>Removes every entry from every tier and returns how many live entries there were.</remarks>
    public ValueTask<long> ClearAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        long removed = 0;
        WithAllStripes(() =>
        {
            removed = CountLive();
            lock (_flushGate)
            {
                _hot.RemoveAll();
                _evicted.Clear();
                _handDownLog.Clear();
                DiscardPending();
                _longTerm.DeleteAll(NowTicks());
                if (_archive is not null)
                {
                    foreach (var key in _archive.KeysMatching(static _ => true).ToList())
                    {
                        _archive.Remove(key);
                    }
                }
            }
        });
        return new(removed);
    }

    /// <inheritdoc />
    /// <remarks>
    /// <see cref="MemoryStatistics.EntryCount"/> counts live entries in all tiers (a pass over the keys);
    /// <see cref="MemoryStatistics.BytesUsed"/>, the limits, evictions and expirations are the hot tier's; hits and
    /// misses count reads that found an entry in any tier or in none.
    /// </remarks>
    public ValueTask<MemoryStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        var hot = Sync(_hot.GetStatisticsAsync(cancellationToken));
        return new(new MemoryStatistics
        {
            EntryCount = CountLive(),
            BytesUsed = hot.BytesUsed,
            Hits = _hits.Sum(),
            Misses = _misses.Sum(),
            Evictions = hot.Evictions,
            Expirations = hot.Expirations,
            MaxEntries = hot.MaxEntries,
            MaxBytes = hot.MaxBytes,
        });
    }

    /// <summary>Reads a value's bytes through the tiers, promoting a hit from below; counts the hit or miss.</summary>
    private ReadOnlyMemory<byte>? ReadValue(string key, CancellationToken cancellationToken)
    {
        KeyRules.ValidateForRead(key);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        if (Sync(_hot.RetrieveRawAsync(key, cancellationToken)) is { } hit)
        {
            _hits.Increment();
            return hit;
        }

        PersistedEntry? below = null;
        ReadOnlyMemory<byte>? promoted = null;
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
                promoted = Sync(_hot.RetrieveRawAsync(key, cancellationToken));
            }
        }

        AfterWrite();
        if (below is not null)
        {
            if (below.Kind != MemoryEntryKind.Value)
            {
                throw new MemoryTypeMismatchException(key, $"The key '{key}' holds a {below.Kind.ToString().ToLowerInvariant()}, but this operation needs a value.", null);
            }

            _hits.Increment();
            return below.Payload;
        }

        if (promoted is not null)
        {
            _hits.Increment();
            return promoted;
        }

        _misses.Increment();
        return null;
    }

    /// <summary>The live entry for a key from whichever tier holds it, without promoting or counting.</summary>
    private PersistedEntry? Peek(string key, CancellationToken cancellationToken)
    {
        KeyRules.ValidateForRead(key);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        if (_hot.Export(key) is { } hot)
        {
            return hot;
        }

        lock (StripeOf(key))
        {
            ThrowIfDisposed();
            return _hot.Export(key) ?? FindBelowLocked(key, out _);
        }
    }

    /// <summary>Rejects a tier no write may target, with the tiered store's message.</summary>
    private void CheckTier(string key, MemoryEntryOptions? options)
    {
        if (options?.Tier is { } tier && tier != MemoryTier.ShortTerm && tier != MemoryTier.LongTerm)
        {
            InMemoryStore.ResolveOptions(key, options, NowTicks(), allowLowerTiers: true);
        }
    }

    /// <summary>Writes a value straight to the long-term tier, durably, and drops any copy from the hot tier.</summary>
    private void StoreLongTerm(string key, byte[] bytes, MemoryEntryOptions options)
    {
        var now = NowTicks();
        var (metadata, priority, expires) = InMemoryStore.ResolveOptions(key, options, now, allowLowerTiers: true);
        lock (StripeOf(key))
        {
            ThrowIfDisposed();
            var existing = _hot.Export(key) ?? FindBelowLocked(key, out _);
            var entry = new PersistedEntry(key, MemoryEntryKind.Value, bytes, metadata, priority, existing?.CreatedTicks ?? now, now, now, expires, existing?.AccessCount ?? 0);
            var write = new PendingWrite(entry);
            _pending[key] = write;
            try
            {
                FlushKeys([key]);
            }
            catch
            {
                _pending.TryRemove(new KeyValuePair<string, PendingWrite>(key, write));
                throw;
            }

            _evicted.TryRemove(key, out _);
            if (_hot.TryPeek(key, out var state, out _))
            {
                _hot.RemoveIfCurrent(key, state);
            }

            if (_archive is not null && _archive.Contains(key))
            {
                _archive.Remove(key);
            }

            _hot.EmitExternal(key, existing, entry);
        }

        AfterWrite();
    }

    /// <summary>
    /// Runs a hot-tier mutation of one key under the key's stripe (promoting the key first when
    /// <paramref name="ensureHot"/>), then persists the result as the durability mode says.
    /// </summary>
    private TResult Mutate<TArg, TResult>(string key, bool ensureHot, TArg arg, Func<InMemoryStore, TArg, TResult> operation)
    {
        TResult result;
        lock (StripeOf(key))
        {
            ThrowIfDisposed();
            if (ensureHot && !EnsureHotLocked(key, countAccess: false) && FindBelowLocked(key, out _) is not null)
            {
                throw new MemoryCapacityException(key, $"The entry for key '{key}' cannot be brought into the hot tier (it is larger than the hot tier's budget), so it cannot be changed in place; replace it with StoreAsync.", null);
            }

            var before = BeginOperation(key);
            try
            {
                result = operation(_hot, arg);
            }
            catch
            {
                AbortOperation(key, before);
                throw;
            }

            PersistLocked(key, before);
        }

        AfterWrite();
        return result;
    }

    private void Mutate<TArg>(string key, bool ensureHot, TArg arg, Action<InMemoryStore, TArg> operation) =>
        Mutate(key, ensureHot, (arg, operation), static (hot, a) =>
        {
            a.operation(hot, a.arg);
            return 0;
        });

    /// <summary>Work every write does after releasing its stripe: hand down evictions, flush a full write-behind batch, maybe start a capacity consolidation.</summary>
    private void AfterWrite()
    {
        // Access statistics are only bookkeeping: write them in batches, not one transaction per eviction.
        if (!_handDownLog.IsEmpty || _accessUpdates.Count >= AccessUpdateBatch)
        {
            DrainEvictions();
        }

        MaybeFlushBatch();
        MaybeStartCapacityConsolidation();
    }

    /// <summary>Runs <paramref name="action"/> with every key stripe held: no tiered write runs meanwhile.</summary>
    private void WithAllStripes(Action action)
    {
        var taken = 0;
        try
        {
            for (; taken < _stripes.Length; taken++)
            {
                Monitor.Enter(_stripes[taken]);
            }

            action();
        }
        finally
        {
            for (var i = taken - 1; i >= 0; i--)
            {
                Monitor.Exit(_stripes[i]);
            }
        }
    }

    private T Deserialize<T>(string key, ReadOnlyMemory<byte> bytes)
    {
        try
        {
            return _serializer.Deserialize<T>(bytes);
        }
        catch (MemorySerializationException ex)
        {
            throw new MemorySerializationException(key, $"The value under key '{key}' cannot be read as {typeof(T)}: {ex.Message}", ex);
        }
    }

    /// <summary>The result of a hot-tier call, which always completes synchronously.</summary>
    private static T Sync<T>(ValueTask<T> task) => task.IsCompletedSuccessfully ? task.Result : task.AsTask().GetAwaiter().GetResult();

    private static void Sync(ValueTask task)
    {
        if (!task.IsCompletedSuccessfully)
        {
            task.AsTask().GetAwaiter().GetResult();
        }
    }
}
