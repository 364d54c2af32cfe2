using System.Collections.Concurrent;
using AgentMemory.Persistence;
using AgentMemory.Persistence.Archive;
using AgentMemory.Persistence.Sqlite;
using AgentMemory.Serialization;
using AgentMemory.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentMemory.Tiers;

/// <summary>
/// A memory in three tiers: the in-process hot tier (<see cref="InMemoryStore"/>) over a durable long-term tier
/// (<see cref="ILongTermStore"/>: SQLite in this assembly, PostgreSQL in AgentMemory.PostgreSql) and an optional
/// archive of compressed segment files. It implements <see cref="IMemoryStore"/>,
/// <see cref="IMemoryOperations"/> and <see cref="ITieredMemoryStore"/>, and is what
/// <c>services.AddAgentMemory().AddSqlitePersistence(...)</c> registers.
/// </summary>
/// <remarks>
/// <para>
/// Reads go hot → long-term → archive; a hit below the hot tier is promoted into it (an archive hit is also brought
/// back to the long-term tier). A hot hit takes no lock. Every write is applied to the hot tier and then to the
/// long-term tier as <see cref="TieredStoreOptions.Durability"/> says. Writers of one key serialize on one of
/// a fixed set of lock stripes spanning all tiers, so an entry is never in two tiers with different values.
/// </para>
/// <para>
/// When the hot tier evicts an entry it is handed down, never dropped: in the durable modes it is already in the
/// long-term tier; with <see cref="DurabilityMode.None"/> it is written there. Consolidation (timed, on capacity,
/// or manual) moves entries by policy.
/// </para>
/// <para>All members are thread-safe. Dispose the store (preferably with <see cref="DisposeAsync"/>) to flush
/// buffered writes and close the database.</para>
/// </remarks>
public sealed partial class TieredMemoryStore : ITieredMemoryStore, IMemoryOperations, IAsyncDisposable, IDisposable
{
    private const int StripeCount = 64;

    private readonly InMemoryStore _hot;
    private readonly ILongTermStore _longTerm;
    private readonly IArchiveTier? _archive;
    private readonly TieredStoreOptions _options;
    private readonly IReadOnlyList<IConsolidationPolicy> _policies;
    private readonly TimeProvider _time;
    private readonly IMemorySerializer _serializer;
    private readonly ILogger _logger;
    private readonly object[] _stripes;
    private readonly ConcurrentDictionary<string, PendingWrite> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, EntryState> _evicted = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Key, long AccessCount, long LastAccessTicks)> _accessUpdates = new();
    private readonly StripedCounter _hits = new();
    private readonly StripedCounter _misses = new();
    private readonly object _flushGate = new();
    private readonly ITimer? _flushTimer;
    private readonly ITimer _sweepTimer;
    private readonly ITimer? _consolidationTimer;
    private long _promotions;
    private long _demotions;
    private long _archived;
    private int _consolidating;
    private volatile bool _disposed;

    private TieredMemoryStore(InMemoryStore hot, ILongTermStore longTerm, IArchiveTier? archive, TieredStoreOptions options, TimeProvider time, ILogger logger)
    {
        _hot = hot;
        _longTerm = longTerm;
        _archive = archive;
        _options = options;
        _policies = options.Consolidation.Policies.Count > 0 ? [.. options.Consolidation.Policies] : ConsolidationPolicies.Default;
        _time = time;
        _serializer = hot.Serializer;
        _logger = logger;
        _stripes = new object[StripeCount];
        for (var i = 0; i < _stripes.Length; i++)
        {
            _stripes[i] = new object();
        }

        _hot.Evicting = OnEvicting;
        var weak = new WeakReference<TieredMemoryStore>(this);
        if (options.Durability == DurabilityMode.WriteBehind || options.Durability == DurabilityMode.None)
        {
            _flushTimer = time.CreateTimer(static s => Target(s)?.OnFlushTimer(), weak, options.WriteBehindDelay, options.WriteBehindDelay);
        }

        _sweepTimer = time.CreateTimer(static s => Target(s)?.OnSweepTimer(), weak, options.ExpirationScanInterval, options.ExpirationScanInterval);
        if (options.Consolidation.Interval is { } interval)
        {
            _consolidationTimer = time.CreateTimer(static s => Target(s)?.OnConsolidationTimer(), weak, interval, interval);
        }
    }

    /// <summary>
    /// Opens a tiered memory: the long-term database (created when missing) and the archive directory, with an empty
    /// hot tier in front of them. Entries already on disk are read on demand.
    /// </summary>
    /// <param name="persistence">The durable tiers' settings, copied now. <see cref="SqlitePersistenceOptions.Path"/> is required.</param>
    /// <param name="hotTier">The hot tier's capacity and sweep settings, copied now; null for the defaults.</param>
    /// <param name="timeProvider">The clock for TTLs, flushes, sweeps and consolidation; null for <see cref="TimeProvider.System"/>.</param>
    /// <param name="serializer">The value serializer; null for <see cref="MessagePackMemorySerializer.Default"/>.</param>
    /// <param name="loggerFactory">Where to log background failures; null for none.</param>
    /// <returns>The open store; dispose it to flush and close.</returns>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    /// <exception cref="MemoryStorageException">The database or archive cannot be opened: not a SQLite file, another application's database, an unsupported version, or corrupt.</exception>
    public static TieredMemoryStore Open(SqlitePersistenceOptions persistence, HotTierOptions? hotTier = null, TimeProvider? timeProvider = null, IMemorySerializer? serializer = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(persistence);
        var options = persistence.Clone();
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(persistence));
        }

        var time = timeProvider ?? TimeProvider.System;
        var hot = new InMemoryStore(hotTier, time, serializer, loggerFactory?.CreateLogger<InMemoryStore>());
        SqliteLongTermStore? longTerm = null;
        try
        {
            longTerm = SqliteLongTermStore.Open(options.Path, options.Durability == DurabilityMode.WriteThrough, options.CompressionThreshold, options.VerifyOnOpen);
            IArchiveTier? archive = options.ArchiveDirectory is null ? null : ArchiveStore.Open(new ArchiveOptions { Directory = options.ArchiveDirectory }, time);
            return new TieredMemoryStore(hot, longTerm, archive, options, time, (ILogger?)loggerFactory?.CreateLogger<TieredMemoryStore>() ?? NullLogger.Instance);
        }
        catch
        {
            longTerm?.Dispose();
            hot.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a tiered memory over a long-term tier the caller opened (for example a PostgreSQL one), with an empty hot
    /// tier in front of it and, when <see cref="TieredStoreOptions.ArchiveDirectory"/> is set, an archive behind it.
    /// The store takes ownership of <paramref name="longTerm"/>: disposing the store disposes it, and so does a failure
    /// of this method.
    /// </summary>
    /// <param name="longTerm">The long-term tier; owned by the store from now on.</param>
    /// <param name="options">The tier-independent settings, copied now (<see cref="TieredStoreOptions.CompressionThreshold"/> is the long-term store's own business and is ignored here).</param>
    /// <param name="hotTier">The hot tier's capacity and sweep settings, copied now; null for the defaults.</param>
    /// <param name="timeProvider">The clock for TTLs, flushes, sweeps and consolidation; null for <see cref="TimeProvider.System"/>.</param>
    /// <param name="serializer">The value serializer; null for <see cref="MessagePackMemorySerializer.Default"/>.</param>
    /// <param name="loggerFactory">Where to log background failures; null for none.</param>
    /// <returns>The open store; dispose it to flush and close.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="longTerm"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    /// <exception cref="MemoryStorageException">The archive cannot be opened.</exception>
    public static TieredMemoryStore Open(ILongTermStore longTerm, TieredStoreOptions options, HotTierOptions? hotTier = null, TimeProvider? timeProvider = null, IMemorySerializer? serializer = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(longTerm);
        InMemoryStore? hot = null;
        try
        {
            ArgumentNullException.ThrowIfNull(options);
            var copy = options.CloneTiered();
            var errors = copy.Validate();
            if (errors.Count > 0)
            {
                throw new ArgumentException(string.Join(" ", errors), nameof(options));
            }

            var time = timeProvider ?? TimeProvider.System;
            hot = new InMemoryStore(hotTier, time, serializer, loggerFactory?.CreateLogger<InMemoryStore>());
            IArchiveTier? archive = copy.ArchiveDirectory is null ? null : ArchiveStore.Open(new ArchiveOptions { Directory = copy.ArchiveDirectory }, time);
            return new TieredMemoryStore(hot, longTerm, archive, copy, time, (ILogger?)loggerFactory?.CreateLogger<TieredMemoryStore>() ?? NullLogger.Instance);
        }
        catch
        {
            longTerm.Dispose();
            hot?.Dispose();
            throw;
        }
    }

    /// <summary>The durability mode writes follow.</summary>
    public DurabilityMode Durability => _options.Durability;

    /// <summary>Where the long-term tier keeps its rows (<see cref="ILongTermStore.Location"/>): the database file for SQLite, the server, database and schema for PostgreSQL.</summary>
    public string DatabasePath => _longTerm.Location;

    /// <summary>The serializer values are stored with.</summary>
    public IMemorySerializer Serializer => _serializer;

    internal InMemoryStore Hot => _hot;

    internal ILongTermStore LongTerm => _longTerm;

    private static TieredMemoryStore? Target(object? state) =>
        ((WeakReference<TieredMemoryStore>)state!).TryGetTarget(out var store) ? store : null;

    private long NowTicks() => _time.GetUtcNow().UtcTicks;

    private object StripeOf(string key) => _stripes[key.GetHashCode() & (StripeCount - 1)];

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Flushes buffered writes, stops the timers and closes the tiers.</summary>
    /// <exception cref="MemoryStorageException">The final flush failed; the database is still closed, and the buffered writes are lost (they are logged).</exception>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _flushTimer?.Dispose();
        _sweepTimer.Dispose();
        _consolidationTimer?.Dispose();
        try
        {
            RecordHotAccessStatistics();
            DrainEvictions(flushAccessStatistics: true);
            while (!_accessUpdates.IsEmpty)
            {
                DrainEvictions(flushAccessStatistics: true);
            }

            FlushPending(force: true);
        }
        finally
        {
            _disposed = true;
            _hot.Evicting = null;
            _hot.Dispose();
            _archive?.Dispose();
            _longTerm.Dispose();
        }
    }

    /// <summary>Queues the access statistics of the hot tier's entries for the long-term rows (durable modes), so they survive a restart.</summary>
    private void RecordHotAccessStatistics()
    {
        if (_options.Durability == DurabilityMode.None)
        {
            return;
        }

        foreach (var (entry, _) in _hot.EnumerateLive(recordAccess: true))
        {
            if (entry.AccessCount > 0)
            {
                _accessUpdates.Enqueue((entry.Key, entry.AccessCount, Math.Max(entry.LastAccessTicks, 1)));
            }
        }
    }

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return default;
    }
}
