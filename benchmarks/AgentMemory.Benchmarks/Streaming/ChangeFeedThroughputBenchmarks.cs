using System.Threading.Channels;
using AgentMemory.Storage;
using AgentMemory.Streaming;
using BenchmarkDotNet.Attributes;

namespace AgentMemory.Benchmarks.Streaming;

/// <summary>
/// Change-feed fan-out: 1,000 changes delivered to 1 or 8 subscribers of a filtered stream, each of which then
/// reads all of them. The peer is the hand-rolled alternative: one bounded <see cref="Channel{T}"/> per
/// subscriber, the writer building each change object and writing it into every channel. The AgentMemory side
/// makes the same call the store makes after a write (number, timestamp, filter, buffer), without the store
/// write itself (whose cost with a feed is <see cref="ChangeEmissionOverheadBenchmarks"/>' question). Both run on
/// one thread (publish, then each reader drains its buffer), so the numbers compare publish + buffer + consume
/// cost without thread scheduling noise.
/// </summary>
[MemoryDiagnoser]
public class ChangeFeedThroughputBenchmarks
{
    private const int Batch = 1000;
    private static readonly byte[] Value = new byte[100];
    private string[] _keys = null!;
    private Channel<MemoryChange>[] _channels = null!;
    private InMemoryStore _store = null!;
    private ChangeFeed _feed = null!;
    private IAsyncEnumerator<MemoryChange>[] _readers = null!;
    private long _sequence;

    [Params(1, 8)]
    public int Subscribers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _keys = Enumerable.Range(0, Batch).Select(i => $"user:{i:D4}").ToArray();
        _channels = Enumerable.Range(0, Subscribers)
            .Select(_ => Channel.CreateBounded<MemoryChange>(new BoundedChannelOptions(2 * Batch) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.DropOldest }))
            .ToArray();
        _store = new InMemoryStore();
        var streaming = MemoryStreamingFactory.Create(_store, new MemoryStreamingOptions { RetainedChanges = 0 });
        _feed = _store.ChangeFeedForTests;
        var stream = streaming.CreateStreamAsync(new MemoryStreamOptions { KeyPattern = "user:*" }).AsTask().GetAwaiter().GetResult();
        _readers = Enumerable.Range(0, Subscribers)
            .Select(_ => streaming.SubscribeAsync(stream, new MemorySubscriptionOptions { BufferCapacity = 2 * Batch }).AsTask().GetAwaiter().GetResult().GetAsyncEnumerator())
            .ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var reader in _readers)
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        _store.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public long ChannelsFanOut()
    {
        for (var i = 0; i < Batch; i++)
        {
            var change = new MemoryChange { Sequence = ++_sequence, Key = _keys[i], ChangeType = MemoryChangeType.Updated, Timestamp = default, NewValue = Value };
            foreach (var channel in _channels)
            {
                channel.Writer.TryWrite(change);
            }
        }

        long sum = 0;
        foreach (var channel in _channels)
        {
            while (channel.Reader.TryRead(out var change))
            {
                sum += change.Sequence;
            }
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public long AgentMemoryFeed()
    {
        for (var i = 0; i < Batch; i++)
        {
            _feed.Publish(_keys[i], MemoryChangeType.Updated, null, Value, null);
        }

        long sum = 0;
        foreach (var reader in _readers)
        {
            for (var i = 0; i < Batch; i++)
            {
                reader.MoveNextAsync().AsTask().GetAwaiter().GetResult();
                sum += reader.Current.Sequence;
            }
        }

        return sum;
    }
}
