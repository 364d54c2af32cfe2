using StackExchange.Redis;

namespace AgentMemory.Redis.Connection;

/// <summary>
/// Owns one <see cref="IConnectionMultiplexer"/> for one <see cref="RedisMemoryOptions"/>, created on first use and
/// shared by every Redis component resolved from the same container (StackExchange.Redis multiplexes all callers over
/// one connection; a connection per component would waste sockets and server memory).
/// </summary>
/// <remarks>Thread-safe: concurrent first callers share one connect attempt. Dispose closes the connection.</remarks>
internal sealed class RedisConnectionProvider : IAsyncDisposable, IDisposable
{
    private readonly Lazy<Task<IConnectionMultiplexer>> _connection;
    private int _disposed;

    public RedisConnectionProvider(RedisMemoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        Options = options.Clone();
        _connection = new(ConnectAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The connection settings, copied at construction.</summary>
    public RedisMemoryOptions Options { get; }

    /// <summary>Returns the shared connection, connecting on the first call.</summary>
    /// <exception cref="MemoryStorageException">The connection string is malformed, or the first connect failed.</exception>
    public Task<IConnectionMultiplexer> GetConnectionAsync()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _connection.Value;
    }

    /// <summary>Builds the StackExchange.Redis configuration from the options: timeouts, database, and no abort on a failed first connect.</summary>
    public static ConfigurationOptions CreateConfiguration(RedisMemoryOptions options)
    {
        ConfigurationOptions configuration;
        try
        {
            configuration = ConfigurationOptions.Parse(options.ConnectionString);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"RedisMemoryOptions.ConnectionString '{options.ConnectionString}' is not a valid StackExchange.Redis configuration: {ex.Message}", nameof(options), ex);
        }

        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = ToMilliseconds(options.ConnectTimeout);
        configuration.SyncTimeout = ToMilliseconds(options.OperationTimeout);
        configuration.AsyncTimeout = ToMilliseconds(options.OperationTimeout);
        configuration.DefaultDatabase = options.Database;
        return configuration;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0 || !_connection.IsValueCreated)
        {
            return;
        }

        try
        {
            var connection = await _connection.Value.ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (MemoryStorageException)
        {
            // The connection never came up: nothing to close.
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task<IConnectionMultiplexer> ConnectAsync()
    {
        var configuration = CreateConfiguration(Options);
        try
        {
            return await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        }
        catch (RedisException ex)
        {
            throw new MemoryStorageException($"Could not connect to Redis at '{Options.ConnectionString}': {ex.Message}", ex);
        }
    }

    private static int ToMilliseconds(TimeSpan value) => (int)Math.Min(int.MaxValue, Math.Ceiling(value.TotalMilliseconds));
}
