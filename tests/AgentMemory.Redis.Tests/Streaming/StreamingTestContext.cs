using AgentMemory.Redis.Streaming;
using AgentMemory.Redis.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace AgentMemory.Redis.Tests.Streaming;

/// <summary>
/// Streaming services on separate connections to one server and key prefix, as separate processes would have them,
/// plus a raw connection for writing records by hand.
/// </summary>
internal sealed class StreamingTestContext : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];

    private StreamingTestContext(string connectionString, string prefix)
    {
        ConnectionString = connectionString;
        Prefix = prefix;
    }

    public string ConnectionString { get; }

    public string Prefix { get; }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public IConnectionMultiplexer Raw { get; private set; } = null!;

    public static async Task<StreamingTestContext> CreateAsync(string connectionString, string test)
    {
        var context = new StreamingTestContext(connectionString, RedisServerFixture.UniquePrefix(test));
        context.Raw = await ConnectionMultiplexer.ConnectAsync(connectionString);
        context._owned.Add(context.Raw);
        return context;
    }

    /// <summary>A service on its own connection, as another process would have it.</summary>
    public async Task<RedisMemoryStreaming> CreateServiceAsync(RedisStreamingOptions? settings = null, TimeProvider? time = null)
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(ConnectionString);
        _owned.Add(connection);
        var service = new RedisMemoryStreaming(connection, new RedisMemoryOptions { ConnectionString = ConnectionString, KeyPrefix = Prefix }, settings, time ?? Time);
        _owned.Add(service);
        return service;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }
    }

    /// <summary>Reads the next <paramref name="count"/> changes (a generous guard stops a hung test; no assertion depends on time).</summary>
    public static async Task<List<MemoryChange>> ReadAsync(IAsyncEnumerator<MemoryChange> reader, int count)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var changes = new List<MemoryChange>();
        while (changes.Count < count)
        {
            var next = reader.MoveNextAsync().AsTask();
            try
            {
                await next.WaitAsync(guard.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Only {changes.Count} of {count} changes arrived: {string.Join(",", changes.Select(c => c.Sequence))}.");
            }

            (await next).Should().BeTrue("the subscription should deliver {0} changes", count);
            changes.Add(reader.Current);
        }

        return changes;
    }

    /// <summary>Waits until the subscription's reader has read the change numbered <paramref name="sequence"/>.</summary>
    public static async Task WaitProcessedAsync(IMemoryChangeSubscription subscription, long sequence)
    {
        var redis = (RedisChangeSubscription)subscription;
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var progress = redis.Progress;
            if (redis.ProcessedSequence >= sequence)
            {
                return;
            }

            await progress.WaitAsync(guard.Token);
        }
    }

    /// <summary>Waits until the subscription's reader waits for buffer room (BlockWriter) with its timeout set.</summary>
    public static async Task WaitBlockedAsync(IMemoryChangeSubscription subscription)
    {
        var redis = (RedisChangeSubscription)subscription;
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var blocked = redis.Blocked;
            if (redis.IsBlocked)
            {
                return;
            }

            await blocked.WaitAsync(guard.Token);
        }
    }
}
