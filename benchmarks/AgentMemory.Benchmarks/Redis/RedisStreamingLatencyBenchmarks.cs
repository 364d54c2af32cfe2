using AgentMemory.Redis;
using AgentMemory.Redis.Streaming;
using BenchmarkDotNet.Attributes;
using StackExchange.Redis;

namespace AgentMemory.Benchmarks.Redis;

/// <summary>
/// Redis change streams: the time from publishing one change in one connection to receiving it in another (as two
/// processes would), against a raw Redis pub/sub round trip between two connections (no log, no replay, no sequence).
/// Needs a running redis-server (<c>AGENTMEMORY_REDIS</c>, default <c>localhost:6379</c>).
/// </summary>
/// <remarks>
/// <see cref="RedisMemoryStreaming"/> publishes with one script (INCR + XADD + PUBLISH); the receiving subscription is
/// woken by the notification and reads the entry with XRANGE, so it adds one round trip to the raw pub/sub path.
/// </remarks>
[MemoryDiagnoser]
public class RedisStreamingLatencyBenchmarks
{
    private ConnectionMultiplexer _publisherConnection = null!;
    private ConnectionMultiplexer _receiverConnection = null!;
    private RedisMemoryStreaming _publisher = null!;
    private RedisMemoryStreaming _receiver = null!;
    private IAsyncEnumerator<MemoryChange> _changes = null!;
    private IMemoryChangeSubscription _subscription = null!;
    private ISubscriber _rawPublisher = null!;
    private RedisChannel _rawChannel;
    private TaskCompletionSource _rawReceived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [GlobalSetup]
    public void Setup()
    {
        var options = new RedisMemoryOptions { ConnectionString = RedisBenchmarkServer.ConnectionString, KeyPrefix = $"bench:{Guid.NewGuid():N}:" };
        _publisherConnection = ConnectionMultiplexer.Connect(RedisBenchmarkServer.ConnectionString);
        _receiverConnection = ConnectionMultiplexer.Connect(RedisBenchmarkServer.ConnectionString);
        _publisher = new RedisMemoryStreaming(_publisherConnection, options, new RedisStreamingOptions { ChangeLogMaxLength = 10_000 });
        _receiver = new RedisMemoryStreaming(_receiverConnection, options);
        var stream = _receiver.CreateStreamAsync().AsTask().GetAwaiter().GetResult();
        _subscription = _receiver.SubscribeAsync(stream, new MemorySubscriptionOptions { BufferCapacity = 16 }).AsTask().GetAwaiter().GetResult();
        _changes = _subscription.GetAsyncEnumerator();

        _rawChannel = RedisChannel.Literal(options.KeyPrefix + "raw");
        _rawPublisher = _publisherConnection.GetSubscriber();
        _receiverConnection.GetSubscriber().Subscribe(_rawChannel, (_, _) => _rawReceived.TrySetResult());
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _changes.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _subscription.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _receiver.Dispose();
        _publisher.Dispose();
        _receiverConnection.Dispose();
        _publisherConnection.Dispose();
    }

    [Benchmark(Baseline = true, Description = "raw PUBLISH -> subscriber callback")]
    public async Task RawPubSubRoundTrip()
    {
        _rawReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _rawPublisher.PublishAsync(_rawChannel, "x");
        await _rawReceived.Task;
    }

    [Benchmark(Description = "PublishAsync -> subscription in another connection")]
    public async Task PublishThenReceive()
    {
        var sequence = await _publisher.PublishAsync("bench:key", MemoryChangeType.Updated);
        while (await _changes.MoveNextAsync() && _changes.Current.Sequence < sequence)
        {
        }
    }
}
