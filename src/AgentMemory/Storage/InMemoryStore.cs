using System.Collections.Concurrent;
using AgentMemory.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentMemory.Storage;

/// <summary>
/// The in-process hot tier: a fast, thread-safe key-value memory with TTL, priorities, capacity limits with
/// eviction, atomic counters, compare-and-swap, hashes and lists. It implements <see cref="IMemoryStore"/> and
/// <see cref="IMemoryOperations"/> and is what <c>services.AddAgentMemory()</c> registers by default.
/// </summary>
/// <remarks>
/// <para>
/// Entries live in a concurrent table. Reads take no lock: each entry's current version is an immutable object
/// published with one volatile write. Writers of one key serialize on one of a fixed set of lock stripes, so every
/// mutating operation is atomic per key and operations on different keys rarely contend.
/// </para>
/// <para>
/// Expired entries are never returned: a read checks expiry itself (and reclaims what it finds expired), and an
/// active sweep on the injected <see cref="TimeProvider"/> reclaims the rest from a schedule ordered by expiry
/// time, a bounded number per sweep, without scanning the table.
/// </para>
/// <para>
/// Over <see cref="HotTierOptions.MaxEntries"/> or <see cref="HotTierOptions.MaxBytes"/> the store evicts lower
/// priorities first and, within a priority, approximately least-recently-used first (CLOCK: an entry read or
/// overwritten since the last pass gets a second chance). Each eviction and expiry raises
/// <see cref="EntryRemoved"/>.
/// </para>
/// <para>All members are thread-safe. Dispose the store to stop its sweep timer.</para>
/// </remarks>
public sealed partial class InMemoryStore : IMemoryStore, IMemoryOperations, IDisposable
{
    private const int StripeCount = 256;

    private readonly ConcurrentDictionary<string, MemoryEntry> _table = new(StringComparer.Ordinal);
    private readonly object[] _stripes;
    private readonly EvictionQueues _queues = new();
    private readonly ExpirationSchedule _schedule = new();
    private readonly StripedCounter _hits = new();
    private readonly StripedCounter _misses = new();
    private readonly TimeProvider _time;
    private readonly IMemorySerializer _serializer;
    private readonly ILogger _logger;
    private readonly long _maxEntries;
    private readonly long _maxBytes;
    private readonly int _maxExpirationsPerScan;
    private readonly ITimer _sweepTimer;
    private readonly object _sweepGate = new();
    private long _count;
    private long _bytes;
    private long _evictions;
    private long _expirations;
    private volatile bool _disposed;

    /// <summary>Creates a store.</summary>
    /// <param name="options">Capacity limits and sweep settings, copied now; null for the defaults (no limits).</param>
    /// <param name="timeProvider">The clock for TTLs and the sweep timer; null for <see cref="TimeProvider.System"/>.</param>
    /// <param name="serializer">The value serializer; null for <see cref="MessagePackMemorySerializer.Default"/>.</param>
    /// <param name="logger">Where to log failures of <see cref="EntryRemoved"/> handlers and of the sweep; null for none.</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public InMemoryStore(HotTierOptions? options = null, TimeProvider? timeProvider = null, IMemorySerializer? serializer = null, ILogger<InMemoryStore>? logger = null)
    {
        options ??= new HotTierOptions();
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _maxEntries = options.MaxEntries ?? long.MaxValue;
        _maxBytes = options.MaxBytes ?? long.MaxValue;
        _maxExpirationsPerScan = options.MaxExpirationsPerScan;
        _time = timeProvider ?? TimeProvider.System;
        _serializer = serializer ?? MessagePackMemorySerializer.Default;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _stripes = new object[StripeCount];
        for (var i = 0; i < _stripes.Length; i++)
        {
            _stripes[i] = new object();
        }

        // The timer holds the store weakly: an undisposed store that nobody references can still be collected
        // (its timer is then finalized) instead of being kept alive forever by the timer queue.
        _sweepTimer = _time.CreateTimer(
            static state =>
            {
                if (((WeakReference<InMemoryStore>)state!).TryGetTarget(out var store))
                {
                    store.OnSweepTimer();
                }
            },
            new WeakReference<InMemoryStore>(this),
            options.ExpirationScanInterval,
            options.ExpirationScanInterval);
    }

    /// <summary>
    /// Raised after the store removed an entry on its own: because it expired or to make room (eviction). Not raised
    /// for explicit deletes or <see cref="ClearAsync"/>. Handlers run synchronously on the thread that caused the
    /// removal (a writer, a reader that found the entry expired, or the sweep timer), after the store released its
    /// locks; an exception from a handler is logged and does not fail the operation.
    /// </summary>
    public event EventHandler<MemoryEntryRemovedEventArgs>? EntryRemoved;

    /// <summary>The serializer values are stored with.</summary>
    public IMemorySerializer Serializer => _serializer;

    /// <inheritdoc />
    public ValueTask StoreAsync<T>(string key, T value, MemoryEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForWrite(key);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        var bytes = _serializer.Serialize(value);
        StoreValue(key, bytes, options);
        return default;
    }

    /// <inheritdoc />
    public ValueTask StoreRawAsync(string key, ReadOnlyMemory<byte> value, MemoryEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForWrite(key);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        StoreValue(key, value.ToArray(), options);
        return default;
    }

    /// <inheritdoc />
    public ValueTask<T?> RetrieveAsync<T>(string key, CancellationToken cancellationToken = default)
    {
        var state = ReadValue(key, cancellationToken);
        return state is null ? default : new ValueTask<T?>(Deserialize<T>(key, state.Value));
    }

    /// <inheritdoc />
    public ValueTask<MemoryLookup<T>> TryRetrieveAsync<T>(string key, CancellationToken cancellationToken = default)
    {
        var state = ReadValue(key, cancellationToken);
        return state is null ? default : new ValueTask<MemoryLookup<T>>(new MemoryLookup<T>(Deserialize<T>(key, state.Value)));
    }

    /// <inheritdoc />
    public ValueTask<ReadOnlyMemory<byte>?> RetrieveRawAsync(string key, CancellationToken cancellationToken = default)
    {
        var state = ReadValue(key, cancellationToken);
        return state is null ? default : new ValueTask<ReadOnlyMemory<byte>?>(state.Value);
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForRead(key);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        return new ValueTask<bool>(DeleteCore(key));
    }

    /// <inheritdoc />
    public ValueTask<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) =>
        new(Peek(key, cancellationToken) is not null);

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, MetadataValue>?> GetMetadataAsync(string key, CancellationToken cancellationToken = default)
    {
        var state = Peek(key, cancellationToken);
        return new(state is null ? null : MetadataCodec.Decode(state.Metadata));
    }

    /// <inheritdoc />
    public ValueTask<bool> UpdateMetadataAsync(string key, IReadOnlyDictionary<string, MetadataValue> metadata, MetadataUpdateMode mode = MetadataUpdateMode.Merge, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForRead(key);
        ArgumentNullException.ThrowIfNull(metadata);
        if (mode is not (MetadataUpdateMode.Merge or MetadataUpdateMode.Replace))
        {
            throw new ArgumentException($"The metadata update mode {(int)mode} is not defined; use Merge or Replace.", nameof(mode));
        }

        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        var replacement = mode == MetadataUpdateMode.Replace ? MetadataCodec.Encode(metadata) : null;
        var updated = false;
        Mutate(key, NowTicks(), (metadata, mode, replacement), (current, now, args) =>
        {
            if (current is null)
            {
                return null;
            }

            var bytes = args.replacement;
            if (args.mode == MetadataUpdateMode.Merge)
            {
                var merged = MetadataCodec.Decode(current.Metadata);
                foreach (var (field, value) in args.metadata)
                {
                    merged[field] = value;
                }

                bytes = MetadataCodec.Encode(merged);
            }

            updated = true;
            return current.WithMetadata(bytes, now);
        });
        return new(updated);
    }

    /// <inheritdoc />
    public ValueTask<MemoryEntryInfo?> GetEntryInfoAsync(string key, CancellationToken cancellationToken = default) =>
        new(Peek(key, cancellationToken)?.ToInfo(key));

    /// <inheritdoc />
    public ValueTask<long> ClearAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        return new(ClearCore());
    }

    private long ClearCore()
    {
        long removed = 0;
        foreach (var (key, entry) in _table)
        {
            lock (_stripes[entry.Stripe])
            {
                if (entry.State is { } state && _table.TryGetValue(key, out var current) && ReferenceEquals(current, entry))
                {
                    RemoveLocked(entry, state);
                    EmitRemovedLocked(key, MemoryChangeType.Deleted, state);
                    removed++;
                }
            }
        }

        return removed;
    }

    /// <inheritdoc />
    public ValueTask<MemoryStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new(new MemoryStatistics
        {
            EntryCount = Volatile.Read(ref _count),
            BytesUsed = Volatile.Read(ref _bytes),
            Hits = _hits.Sum(),
            Misses = _misses.Sum(),
            Evictions = Volatile.Read(ref _evictions),
            Expirations = Volatile.Read(ref _expirations),
            MaxEntries = _maxEntries == long.MaxValue ? null : _maxEntries,
            MaxBytes = _maxBytes == long.MaxValue ? null : _maxBytes,
        });
    }

    /// <summary>Stops the expiry sweep. Later calls throw <see cref="ObjectDisposedException"/>; entries are released to the garbage collector.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _sweepTimer.Dispose();
        _schedule.Clear();
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

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
}
