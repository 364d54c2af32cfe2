using System.Globalization;
using AgentMemory.Serialization;
using AgentMemory.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace AgentMemory.Redis.Storage;

/// <summary>
/// <see cref="IMemoryStore"/> and <see cref="IMemoryOperations"/> on a Redis server, so several processes share one
/// memory. Values live in native Redis types: a plain value is a string holding its serialized bytes, a counter an
/// integer string, a hash a Redis hash of serialized fields, a list a Redis list of serialized items. Each entry has a
/// companion hash with its kind, priority, times, expiry and metadata. Every mutation is one Lua script, atomic on the
/// server with its bookkeeping.
/// </summary>
/// <remarks>
/// <para>
/// Time: the injected <see cref="TimeProvider"/> is the source of truth. An entry is live until its expiry instant by
/// that clock; the store also sets the native expiry (PEXPIREAT) so the server reclaims memory on its own, and every
/// instance reclaims expired entries lazily on access and in a periodic pass. Clients sharing a server need roughly
/// synchronized clocks.
/// </para>
/// <para>
/// Failures of the server (connection lost, timeout, server error) surface as <see cref="MemoryStorageException"/>
/// naming the server and the operation; the connection reconnects by itself, and the same instance works again once
/// the server is back. <see cref="MemoryStatistics.EntryCount"/>, <see cref="MemoryStatistics.BytesUsed"/> and
/// <see cref="MemoryStatistics.Expirations"/> are shared by every instance on the same server and prefix;
/// <see cref="MemoryStatistics.Hits"/> and <see cref="MemoryStatistics.Misses"/> count this instance's reads.
/// The store never evicts (configure Redis's own <c>maxmemory-policy</c>); it does not support Redis Cluster.
/// </para>
/// <para>All members are thread-safe. Dispose the store to stop its expiry pass and close a connection it opened.</para>
/// </remarks>
public sealed partial class RedisMemoryStore : IMemoryStore, IMemoryOperations, IAsyncDisposable, IDisposable
{
    private static readonly long UnixEpochTicks = DateTimeOffset.UnixEpoch.UtcTicks;

    private readonly IConnectionMultiplexer _connection;
    private readonly bool _ownsConnection;
    private readonly IDatabase _database;
    private readonly RedisKeyLayout _layout;
    private readonly TimeProvider _time;
    private readonly IMemorySerializer _serializer;
    private readonly ILogger _logger;
    private readonly RedisValue _maxLength;
    private readonly RedisValue _channel;
    private readonly int _maxExpirationsPerScan;
    private readonly string _server;
    private readonly StripedCounter _hits = new();
    private readonly StripedCounter _misses = new();
    private readonly ITimer _sweepTimer;
    private int _sweeping;
    private Task _sweep = Task.CompletedTask;
    private volatile bool _disposed;

    /// <summary>Creates a store that opens (and owns) its own connection to the server the options name.</summary>
    /// <param name="options">Connection, prefix, timeouts and publishing settings, copied now.</param>
    /// <param name="timeProvider">The clock for TTLs and the expiry pass; null for <see cref="TimeProvider.System"/>.</param>
    /// <param name="serializer">The value serializer; null for <see cref="MessagePackMemorySerializer.Default"/>.</param>
    /// <param name="loggerFactory">Where to log failures of the background expiry pass; null for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    /// <remarks>
    /// The connection is made with <c>abortConnect=false</c>: when the server is down the store is still created, its
    /// operations fail with <see cref="MemoryStorageException"/>, and they succeed once the server is reachable.
    /// </remarks>
    public RedisMemoryStore(RedisMemoryOptions options, TimeProvider? timeProvider = null, IMemorySerializer? serializer = null, ILoggerFactory? loggerFactory = null)
        : this(Connect(Validated(options, requireConnectionString: true)), ownsConnection: true, options, timeProvider, serializer, loggerFactory)
    {
    }

    /// <summary>Creates a store over an existing connection, which the caller keeps owning (the store does not close it).</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="options">Database, prefix and publishing settings, copied now (the connection string is ignored); null for the defaults.</param>
    /// <param name="timeProvider">The clock for TTLs and the expiry pass; null for <see cref="TimeProvider.System"/>.</param>
    /// <param name="serializer">The value serializer; null for <see cref="MessagePackMemorySerializer.Default"/>.</param>
    /// <param name="loggerFactory">Where to log failures of the background expiry pass; null for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="connection"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public RedisMemoryStore(IConnectionMultiplexer connection, RedisMemoryOptions? options = null, TimeProvider? timeProvider = null, IMemorySerializer? serializer = null, ILoggerFactory? loggerFactory = null)
        : this(connection ?? throw new ArgumentNullException(nameof(connection)), ownsConnection: false, Validated(options ?? new RedisMemoryOptions(), requireConnectionString: false), timeProvider, serializer, loggerFactory)
    {
    }

    private RedisMemoryStore(IConnectionMultiplexer connection, bool ownsConnection, RedisMemoryOptions options, TimeProvider? timeProvider, IMemorySerializer? serializer, ILoggerFactory? loggerFactory)
    {
        options = options.Clone();
        _connection = connection;
        _ownsConnection = ownsConnection;
        _database = connection.GetDatabase(options.Database);
        _layout = new RedisKeyLayout(options.KeyPrefix);
        _time = timeProvider ?? TimeProvider.System;
        _serializer = serializer ?? MessagePackMemorySerializer.Default;
        _logger = loggerFactory?.CreateLogger<RedisMemoryStore>() ?? (ILogger)NullLogger.Instance;
        _maxLength = options.PublishChanges ? options.ChangeLogMaxLength : 0;
        _channel = _layout.NotifyChannel;
        _maxExpirationsPerScan = options.MaxExpirationsPerScan;
        var endpoints = connection.GetEndPoints();
        _server = endpoints.Length == 0 ? "(no endpoint)" : string.Join(",", endpoints.Select(Format));

        // The timer holds the store weakly, so an undisposed, unreferenced store can still be collected.
        _sweepTimer = _time.CreateTimer(
            static state =>
            {
                if (((WeakReference<RedisMemoryStore>)state!).TryGetTarget(out var store))
                {
                    store.OnSweepTimer();
                }
            },
            new WeakReference<RedisMemoryStore>(this),
            options.ExpirationScanInterval,
            options.ExpirationScanInterval);
    }

    /// <summary>The serializer values are stored with.</summary>
    public IMemorySerializer Serializer => _serializer;

    /// <summary>The prefix of every Redis key this store writes.</summary>
    public string KeyPrefix => _layout.Prefix;

    /// <summary>The connection, for tests.</summary>
    internal IConnectionMultiplexer Connection => _connection;

    /// <inheritdoc />
    public ValueTask StoreAsync<T>(string key, T value, MemoryEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForWrite(key);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        return StoreValueAsync(key, _serializer.Serialize(value), options);
    }

    /// <inheritdoc />
    public ValueTask StoreRawAsync(string key, ReadOnlyMemory<byte> value, MemoryEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForWrite(key);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        return StoreValueAsync(key, value, options);
    }

    /// <inheritdoc />
    public async ValueTask<T?> RetrieveAsync<T>(string key, CancellationToken cancellationToken = default)
    {
        var bytes = await ReadValueAsync(key, cancellationToken).ConfigureAwait(false);
        return bytes is null ? default : Deserialize<T>(key, bytes);
    }

    /// <inheritdoc />
    public async ValueTask<MemoryLookup<T>> TryRetrieveAsync<T>(string key, CancellationToken cancellationToken = default)
    {
        var bytes = await ReadValueAsync(key, cancellationToken).ConfigureAwait(false);
        return bytes is null ? default : new MemoryLookup<T>(Deserialize<T>(key, bytes));
    }

    /// <inheritdoc />
    public async ValueTask<ReadOnlyMemory<byte>?> RetrieveRawAsync(string key, CancellationToken cancellationToken = default) =>
        await ReadValueAsync(key, cancellationToken).ConfigureAwait(false) is { } bytes ? new ReadOnlyMemory<byte>(bytes) : (ReadOnlyMemory<byte>?)null;

    /// <inheritdoc />
    public async ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForRead(key);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        var result = await RunAsync(RedisScripts.Delete, key, _layout.EntryKeys(key), Args(key)).ConfigureAwait(false);
        return (long)result == 1;
    }

    /// <inheritdoc />
    public async ValueTask<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) =>
        await ReadInfoAsync(key, cancellationToken).ConfigureAwait(false) is not null;

    /// <inheritdoc />
    public async ValueTask<IReadOnlyDictionary<string, MetadataValue>?> GetMetadataAsync(string key, CancellationToken cancellationToken = default)
    {
        var info = await ReadInfoAsync(key, cancellationToken).ConfigureAwait(false);
        return info is null ? null : MetadataCodec.Decode(info.Value.Metadata);
    }

    /// <inheritdoc />
    public async ValueTask<bool> UpdateMetadataAsync(string key, IReadOnlyDictionary<string, MetadataValue> metadata, MetadataUpdateMode mode = MetadataUpdateMode.Merge, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForRead(key);
        ArgumentNullException.ThrowIfNull(metadata);
        if (mode is not (MetadataUpdateMode.Merge or MetadataUpdateMode.Replace))
        {
            throw new ArgumentException($"The metadata update mode {(int)mode} is not defined; use Merge or Replace.", nameof(mode));
        }

        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        if (mode == MetadataUpdateMode.Replace)
        {
            var replacement = MetadataCodec.Encode(metadata);
            var result = await RunAsync(RedisScripts.SetMetadata, key, _layout.EntryKeys(key), Args(key, "r", RedisValue.EmptyString, Bytes(replacement))).ConfigureAwait(false);
            return (long)result == 1;
        }

        // Merge reads the current metadata, merges it here and writes it back only if it is still what was read.
        while (true)
        {
            var info = await ReadInfoAsync(key, cancellationToken).ConfigureAwait(false);
            if (info is null)
            {
                return false;
            }

            var merged = MetadataCodec.Decode(info.Value.Metadata);
            foreach (var (field, value) in metadata)
            {
                merged[field] = value;
            }

            var bytes = MetadataCodec.Encode(merged);
            var result = (long)await RunAsync(RedisScripts.SetMetadata, key, _layout.EntryKeys(key), Args(key, "m", Bytes(info.Value.Metadata), Bytes(bytes))).ConfigureAwait(false);
            if (result >= 0)
            {
                return result == 1;
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<MemoryEntryInfo?> GetEntryInfoAsync(string key, CancellationToken cancellationToken = default)
    {
        var info = await ReadInfoAsync(key, cancellationToken).ConfigureAwait(false);
        if (info is not { } i)
        {
            return null;
        }

        return new MemoryEntryInfo(
            key,
            i.Kind,
            i.Size,
            i.Length,
            i.Priority,
            new DateTimeOffset(i.CreatedTicks, TimeSpan.Zero),
            new DateTimeOffset(i.UpdatedTicks, TimeSpan.Zero),
            i.ExpiresTicks is { } x ? new DateTimeOffset(x, TimeSpan.Zero) : null);
    }

    /// <inheritdoc />
    public async ValueTask<MemoryStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        RedisValue[] counters;
        try
        {
            counters = await _database.HashGetAsync(_layout.Stats, ["count", "bytes", "expirations"]).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsServerFailure(ex))
        {
            throw Failure("statistics", null, ex);
        }

        return new MemoryStatistics
        {
            EntryCount = (long?)counters[0] ?? 0,
            BytesUsed = (long?)counters[1] ?? 0,
            Expirations = (long?)counters[2] ?? 0,
            Hits = _hits.Sum(),
            Misses = _misses.Sum(),
        };
    }

    /// <summary>Stops the expiry pass and, when the store opened its connection itself, closes it. Later calls throw <see cref="ObjectDisposedException"/>.</summary>
    /// <returns>A task that completes when the store is disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _sweepTimer.DisposeAsync().ConfigureAwait(false);
        await Volatile.Read(ref _sweep).ConfigureAwait(false);
        if (_ownsConnection)
        {
            await _connection.CloseAsync().ConfigureAwait(false);
            _connection.Dispose();
        }
    }

    /// <summary>Stops the expiry pass and, when the store opened its connection itself, closes it; prefer <see cref="DisposeAsync"/>.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _sweepTimer.Dispose();
        if (_ownsConnection)
        {
            _connection.Close();
            _connection.Dispose();
        }
    }

    private static RedisMemoryOptions Validated(RedisMemoryOptions options, bool requireConnectionString)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate().Where(e => requireConnectionString || !e.StartsWith("RedisMemoryOptions.ConnectionString", StringComparison.Ordinal)).ToList();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        return options;
    }

    private static ConnectionMultiplexer Connect(RedisMemoryOptions options) =>
        ConnectionMultiplexer.Connect(AgentMemory.Redis.Connection.RedisConnectionProvider.CreateConfiguration(options));

    private static string Format(System.Net.EndPoint endpoint) => endpoint switch
    {
        System.Net.DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endpoint.ToString() ?? "?",
    };

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>The arguments every script takes (now, publishing settings, the user key) followed by <paramref name="rest"/>.</summary>
    private RedisValue[] Args(string key, params ReadOnlySpan<RedisValue> rest)
    {
        var now = _time.GetUtcNow();
        var args = new RedisValue[5 + rest.Length];
        args[0] = Ticks(now.UtcTicks);
        args[1] = now.ToUnixTimeMilliseconds();
        args[2] = _maxLength;
        args[3] = _channel;
        args[4] = key;
        rest.CopyTo(args.AsSpan(5));
        return args;
    }

    private static string Ticks(long ticks) => ticks.ToString("D19", CultureInfo.InvariantCulture);

    private static RedisValue Bytes(byte[]? bytes) => bytes is null ? RedisValue.EmptyString : (RedisValue)bytes;

    /// <summary>Runs a script, turning Redis failures into <see cref="MemoryStorageException"/>.</summary>
    private async Task<RedisResult> RunAsync(RedisScript script, string? key, RedisKey[] keys, RedisValue[] args)
    {
        try
        {
            return await script.EvaluateAsync(_database, keys, args).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("WRONGTYPE", StringComparison.Ordinal))
        {
            throw new MemoryTypeMismatchException(key, $"The Redis key for '{key}' holds a type this operation cannot use (written outside AgentMemory?): {ex.Message}", ex);
        }
        catch (Exception ex) when (IsServerFailure(ex))
        {
            throw Failure(script.Name, key, ex);
        }
    }

    /// <summary>
    /// Whether <paramref name="ex"/> is the server or the connection failing: a Redis error or timeout, or (while this
    /// store is open) a connection object the client library abandoned mid-connect ("Connection is being finalized").
    /// </summary>
    private bool IsServerFailure(Exception ex) => ex is RedisException or RedisTimeoutException || (ex is ObjectDisposedException && !_disposed);

    private MemoryStorageException Failure(string operation, string? key, Exception ex) => new(
        key,
        $"The Redis server {_server} failed during '{operation}'{(key is null ? string.Empty : $" of key '{key}'")} (prefix '{_layout.Prefix}'): {ex.Message}",
        ex);

    private async ValueTask StoreValueAsync(string key, ReadOnlyMemory<byte> bytes, MemoryEntryOptions? options)
    {
        var (metadata, priority, expiry) = Resolve(key, options);
        var args = Args(key, bytes, (int)priority, expiry.Ticks, expiry.Milliseconds, Bytes(metadata), 2L * key.Length);
        await RunAsync(RedisScripts.Store, key, _layout.EntryKeys(key), args).ConfigureAwait(false);
    }

    /// <summary>Validates entry options like the in-process store and resolves the expiry to ticks and Unix milliseconds ('' for none).</summary>
    private (byte[]? Metadata, MemoryPriority Priority, (RedisValue Ticks, RedisValue Milliseconds) Expiry) Resolve(string key, MemoryEntryOptions? options)
    {
        if (options?.Tier is { } tier && tier != MemoryTier.ShortTerm && Enum.IsDefined(tier))
        {
            throw new ArgumentException($"The options for key '{key}' target the {tier} tier, but the Redis store has a single tier; leave Tier null or ShortTerm.", nameof(options));
        }

        var (metadata, priority, expires) = InMemoryStore.ResolveOptions(key, options, _time.GetUtcNow().UtcTicks);
        if (expires == long.MaxValue)
        {
            return (metadata, priority, (RedisValue.EmptyString, RedisValue.EmptyString));
        }

        var milliseconds = (expires - UnixEpochTicks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
        return (metadata, priority, (Ticks(expires), milliseconds));
    }

    /// <summary>Reads a plain value's bytes (a counter converted to its serialized form), counting the hit or miss.</summary>
    /// <remarks>
    /// One round trip on the hot path: a minimal script with two keys and one argument. Only an entry found expired
    /// takes a second round trip, through the full read script that reclaims it (and counts and publishes that).
    /// </remarks>
    private async ValueTask<byte[]?> ReadValueAsync(string key, CancellationToken cancellationToken)
    {
        KeyRules.ValidateForRead(key);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        var result = await RunAsync(RedisScripts.Get, key, [_layout.Data(key), _layout.Meta(key)], [Ticks(_time.GetUtcNow().UtcTicks)]).ConfigureAwait(false);
        if (result.Resp2Type == ResultType.BulkString && !result.IsNull)
        {
            _hits.Increment();
            return (byte[])result!;
        }

        if (!result.IsNull && (string?)((RedisResult[])result!)[0] == "X")
        {
            result = await RunAsync(RedisScripts.Read, key, _layout.EntryKeys(key), Args(key, "v")).ConfigureAwait(false);
        }

        if (result.IsNull)
        {
            _misses.Increment();
            return null;
        }

        var parts = (RedisResult[])result!;
        _hits.Increment();
        CheckKind(key, parts, MemoryEntryKind.Value);
        var bytes = (byte[])parts[1]!;
        return (string?)parts[0] == "C" || (string?)parts[2] == "1" ? _serializer.Serialize(ParseCounter(key, bytes)) : bytes;
    }

    private async ValueTask<EntryInfo?> ReadInfoAsync(string key, CancellationToken cancellationToken)
    {
        KeyRules.ValidateForRead(key);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        var result = await RunAsync(RedisScripts.Read, key, _layout.EntryKeys(key), Args(key, "i")).ConfigureAwait(false);
        if (result.IsNull)
        {
            return null;
        }

        var p = (RedisResult[])result!;
        var expires = (string?)p[6];
        var metadata = (byte[]?)p[9];
        return new EntryInfo(
            KindOf((string?)p[1]),
            (string?)p[2] == "1",
            (MemoryPriority)int.Parse((string)p[3]!, CultureInfo.InvariantCulture),
            long.Parse((string)p[4]!, CultureInfo.InvariantCulture),
            long.Parse((string)p[5]!, CultureInfo.InvariantCulture),
            string.IsNullOrEmpty(expires) ? null : long.Parse(expires, CultureInfo.InvariantCulture),
            (long)p[7],
            (long)p[8],
            metadata is { Length: > 0 } ? metadata : null);
    }

    /// <summary>Throws the type mismatch a script reported with a 'T' result.</summary>
    private static void CheckKind(string key, RedisResult[] parts, MemoryEntryKind expected)
    {
        if ((string?)parts[0] == "T")
        {
            var actual = KindOf((string?)parts[1]);
            throw new MemoryTypeMismatchException(key, $"The key '{key}' holds a {actual.ToString().ToLowerInvariant()}, but this operation needs a {expected.ToString().ToLowerInvariant()}.", null);
        }
    }

    private static MemoryEntryKind KindOf(string? code) => code switch
    {
        "1" => MemoryEntryKind.Hash,
        "2" => MemoryEntryKind.List,
        _ => MemoryEntryKind.Value,
    };

    private static long ParseCounter(string key, byte[] digits)
    {
        if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw new MemoryStorageException(key, $"The counter under key '{key}' holds '{System.Text.Encoding.UTF8.GetString(digits)}', not a 64-bit integer; was it written outside AgentMemory?", null);
        }

        return value;
    }

    private T Deserialize<T>(string key, byte[] bytes)
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

    /// <summary>An entry's bookkeeping as the info script returns it.</summary>
    private readonly record struct EntryInfo(MemoryEntryKind Kind, bool IsCounter, MemoryPriority Priority, long CreatedTicks, long UpdatedTicks, long? ExpiresTicks, long Size, long Length, byte[]? Metadata);
}
