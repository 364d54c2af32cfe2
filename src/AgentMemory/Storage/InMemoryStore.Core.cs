using System.Diagnostics.CodeAnalysis;
using AgentMemory.Serialization;

namespace AgentMemory.Storage;

// The read path, the write path every mutating operation shares, and entry removal.
public sealed partial class InMemoryStore
{
    /// <summary>Computes an entry's next version from its current one (null when the key holds no live entry).</summary>
    /// <returns><paramref name="current"/> itself to change nothing, null to delete, or the new version.</returns>
    private delegate EntryState? Mutation<TArg>(EntryState? current, long nowTicks, TArg arg);

    /// <summary>A <see cref="Mutation{TArg}"/> that can also write results back into its argument.</summary>
    private delegate EntryState? RefMutation<TArg>(EntryState? current, long nowTicks, ref TArg arg);

    private long NowTicks() => _time.GetUtcNow().UtcTicks;

    private int StripeOf(string key) => key.GetHashCode() & (StripeCount - 1);

    /// <summary>Reads a live entry without a lock. Expired entries are reclaimed and reported as absent.</summary>
    private EntryState? Read(string key, CancellationToken cancellationToken, bool countAccess)
    {
        KeyRules.ValidateForRead(key);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        if (_table.TryGetValue(key, out var entry) && entry.State is { } state)
        {
            if (state.ExpiresTicks == EntryState.NoExpiry || NowTicks() < state.ExpiresTicks)
            {
                if (countAccess)
                {
                    if (!entry.Accessed)
                    {
                        entry.Accessed = true;
                    }

                    if (!entry.Touched)
                    {
                        // The first read since the last consolidation pass records its time; later ones only count.
                        entry.Touched = true;
                        entry.LastAccessTicks = NowTicks();
                    }

                    entry.AccessCount++;
                    _hits.Increment();
                    EmitAccessed(key, state);
                }

                return state;
            }

            ReclaimExpired(entry);
        }

        if (countAccess)
        {
            _misses.Increment();
        }

        return null;
    }

    /// <summary>Reads a live entry that must be of <paramref name="kind"/>, counting the hit or miss.</summary>
    private EntryState? ReadKind(string key, MemoryEntryKind kind, CancellationToken cancellationToken)
    {
        var state = Read(key, cancellationToken, countAccess: true);
        if (state is not null && state.Kind != kind)
        {
            ThrowTypeMismatch(key, state.Kind, kind);
        }

        return state;
    }

    private EntryState? ReadValue(string key, CancellationToken cancellationToken) => ReadKind(key, MemoryEntryKind.Value, cancellationToken);

    /// <summary>Reads a live entry without counting it as a hit or miss (metadata, existence, info).</summary>
    private EntryState? Peek(string key, CancellationToken cancellationToken) => Read(key, cancellationToken, countAccess: false);

    private void StoreValue(string key, byte[] bytes, MemoryEntryOptions? options)
    {
        var now = NowTicks();
        var (metadata, priority, expires) = ResolveOptions(key, options, now);
        var keySize = 2L * key.Length;
        CheckFits(key, keySize + bytes.Length + (metadata?.Length ?? 0));
        Mutate(key, now, (bytes, metadata, priority, expires, keySize), static (current, now, a) =>
            new EntryState(MemoryEntryKind.Value, a.bytes, a.bytes.Length, 1, a.metadata, a.priority, current?.CreatedTicks ?? now, now, a.expires, a.keySize));
    }

    private bool DeleteCore(string key) =>
        Mutate(key, NowTicks(), 0, static (_, _, _) => null).Before is not null;

    /// <summary>
    /// Applies <paramref name="mutation"/> to the entry under <paramref name="key"/> atomically: under the key's
    /// stripe lock, with expired entries treated as absent. Commits the result, then raises removal events and
    /// evicts if the store went over capacity.
    /// </summary>
    private (EntryState? Before, EntryState? After) Mutate<TArg>(string key, long nowTicks, TArg arg, Mutation<TArg> mutation)
    {
        var call = (arg, mutation);
        return Mutate(key, nowTicks, ref call, static (EntryState? current, long now, ref (TArg Arg, Mutation<TArg> Mutation) c) => c.Mutation(current, now, c.Arg));
    }

    /// <inheritdoc cref="Mutate{TArg}(string, long, TArg, Mutation{TArg})"/>
    private (EntryState? Before, EntryState? After) Mutate<TArg>(string key, long nowTicks, ref TArg arg, RefMutation<TArg> mutation)
    {
        var stripe = StripeOf(key);
        List<Removal>? removals = null;
        EntryState? before, after;
        try
        {
            lock (_stripes[stripe])
            {
                _table.TryGetValue(key, out var entry);
                before = LiveLocked(entry, nowTicks, ref removals);
                after = mutation(before, nowTicks, ref arg);
                if (!ReferenceEquals(before, after))
                {
                    Commit(key, stripe, before is null ? null : entry, before, after);
                    EmitLocked(key, before, after);
                }
            }
        }
        finally
        {
            Raise(removals);
        }

        EvictIfNeeded();
        return (before, after);
    }

    /// <summary>Returns the entry's live version; an expired entry is removed (and reported) and counts as absent. Caller holds the stripe lock.</summary>
    private EntryState? LiveLocked(MemoryEntry? entry, long nowTicks, ref List<Removal>? removals)
    {
        if (entry?.State is not { } state)
        {
            return null;
        }

        if (!state.IsExpiredAt(nowTicks))
        {
            return state;
        }

        RemoveLocked(entry, state);
        Interlocked.Increment(ref _expirations);
        (removals ??= []).Add(new Removal(entry.Key, MemoryRemovalReason.Expired, state));
        EmitRemovedLocked(entry.Key, MemoryChangeType.Expired, state);
        return null;
    }

    /// <summary>Installs <paramref name="next"/> as the entry's version (inserting, replacing or, when null, removing it). Caller holds the stripe lock.</summary>
    private void Commit(string key, int stripe, MemoryEntry? entry, EntryState? current, EntryState? next)
    {
        if (next is null)
        {
            RemoveLocked(entry!, current!);
            return;
        }

        CheckFits(key, next.Size);
        if (entry is null)
        {
            entry = new MemoryEntry(key, stripe, next) { Accessed = t_installing };
            _table[key] = entry;
            Interlocked.Increment(ref _count);
            Interlocked.Add(ref _bytes, next.Size);
            _queues.Add(entry, next.Priority);
        }
        else
        {
            entry.State = next;
            entry.Accessed = true;
            if (next.Size != current!.Size)
            {
                Interlocked.Add(ref _bytes, next.Size - current.Size);
            }
            if (next.Priority != current.Priority)
            {
                _queues.Move(entry, next.Priority);
            }
        }

        if (next.ExpiresTicks != EntryState.NoExpiry)
        {
            _schedule.Schedule(entry, next.ExpiresTicks);
        }
    }

    /// <summary>Takes an entry out of the table, the accounting and the eviction queues. Caller holds the stripe lock.</summary>
    private void RemoveLocked(MemoryEntry entry, EntryState state)
    {
        _table.TryRemove(new KeyValuePair<string, MemoryEntry>(entry.Key, entry));
        entry.State = null;
        Interlocked.Decrement(ref _count);
        Interlocked.Add(ref _bytes, -state.Size);
        _queues.Remove(entry);
    }

    /// <summary>Removes an entry a lock-free reader found expired, if it still is.</summary>
    private void ReclaimExpired(MemoryEntry entry)
    {
        List<Removal>? removals = null;
        lock (_stripes[entry.Stripe])
        {
            if (_table.TryGetValue(entry.Key, out var current) && ReferenceEquals(current, entry))
            {
                LiveLocked(entry, NowTicks(), ref removals);
            }
        }

        Raise(removals);
    }

    /// <summary>Validates entry options and resolves them to encoded metadata, priority and expiry ticks.</summary>
    /// <param name="key">The key, for messages.</param>
    /// <param name="options">The options, or null for the defaults.</param>
    /// <param name="nowTicks">The current time.</param>
    /// <param name="allowLowerTiers">Whether <see cref="MemoryEntryOptions.Tier"/> may name a tier below the hot tier (only archive is then refused).</param>
    internal static (byte[]? Metadata, MemoryPriority Priority, long ExpiresTicks) ResolveOptions(string key, MemoryEntryOptions? options, long nowTicks, bool allowLowerTiers = false)
    {
        if (options is null)
        {
            return (null, MemoryPriority.Normal, EntryState.NoExpiry);
        }

        if (options.Tier is { } tier && tier != MemoryTier.ShortTerm && !(allowLowerTiers && tier == MemoryTier.LongTerm))
        {
            throw new ArgumentException(
                Enum.IsDefined(tier)
                    ? allowLowerTiers
                        ? $"The options for key '{key}' target the {tier} tier, which only consolidation writes to; store to ShortTerm or LongTerm."
                        : $"The options for key '{key}' target the {tier} tier, but this store is the in-process hot tier only; configure persistence (AddSqlitePersistence) to use the lower tiers."
                    : $"The tier {(int)tier} given for key '{key}' is not a defined MemoryTier.",
                nameof(options));
        }

        if (!Enum.IsDefined(options.Priority))
        {
            throw new ArgumentException($"The priority {(int)options.Priority} given for key '{key}' is not a defined MemoryPriority.", nameof(options));
        }

        var expires = EntryState.NoExpiry;
        if (options.Ttl is { } ttl)
        {
            if (options.AbsoluteExpiration is not null)
            {
                throw new ArgumentException($"The options for key '{key}' set both Ttl and AbsoluteExpiration; set one.", nameof(options));
            }

            if (ttl <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(options), ttl, $"The Ttl for key '{key}' must be positive.");
            }

            if (ttl.Ticks > DateTimeOffset.MaxValue.UtcTicks - nowTicks)
            {
                throw new ArgumentOutOfRangeException(nameof(options), ttl, $"The Ttl for key '{key}' reaches past the largest representable date; leave Ttl null for an entry that does not expire.");
            }

            expires = nowTicks + ttl.Ticks;
        }
        else if (options.AbsoluteExpiration is { } at)
        {
            if (at.UtcTicks <= nowTicks)
            {
                throw new ArgumentOutOfRangeException(nameof(options), at, $"The AbsoluteExpiration for key '{key}' is not in the future (now is {new DateTimeOffset(nowTicks, TimeSpan.Zero):O}).");
            }

            expires = at.UtcTicks;
        }

        return (MetadataCodec.Encode(options.Metadata), options.Priority, expires);
    }

    private void CheckFits(string key, long size)
    {
        if (size > _maxBytes)
        {
            throw new MemoryCapacityException(key, $"The entry for key '{key}' needs {size} bytes, more than the store's whole byte budget of {_maxBytes} bytes (HotTierOptions.MaxBytes); it can never fit.", null);
        }
    }

    [DoesNotReturn]
    private static void ThrowTypeMismatch(string key, MemoryEntryKind actual, MemoryEntryKind expected) =>
        throw new MemoryTypeMismatchException(key, $"The key '{key}' holds a {actual.ToString().ToLowerInvariant()}, but this operation needs a {expected.ToString().ToLowerInvariant()}.", null);

    private void Raise(List<Removal>? removals)
    {
        if (removals is null || EntryRemoved is not { } handler)
        {
            return;
        }

        foreach (var removal in removals)
        {
            try
            {
                handler(this, new MemoryEntryRemovedEventArgs(removal.Key, removal.Reason, removal.State));
            }
            catch (Exception ex)
            {
                StoreLog.RemovalHandlerFailed(_logger, ex, removal.Key, removal.Reason);
            }
        }
    }

    private readonly record struct Removal(string Key, MemoryRemovalReason Reason, EntryState State);
}
