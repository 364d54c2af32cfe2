using AgentMemory.Benchmarks.Storage;
using AgentMemory.Storage;
using AgentMemory.Streaming;
using BenchmarkDotNet.Attributes;

namespace AgentMemory.Benchmarks.Streaming;

/// <summary>
/// What does the change feed cost a writer? Set-overwrite of 100-byte values (100k keys, random order, one thread)
/// on a store with no feed (the baseline), a feed with neither log nor subscriber (the store's idle check), a feed
/// with a 10,000-change log, and a feed with one subscriber whose buffer is drained after every batch.
/// </summary>
[MemoryDiagnoser]
public class ChangeEmissionOverheadBenchmarks
{
    private const int Batch = 1000;
    private WorkingSet _set = null!;
    private InMemoryStore _store = null!;
    private IMemoryChangeSubscription? _subscription;
    private IAsyncEnumerator<MemoryChange>? _reader;
    private int _cursor;

    [GlobalSetup(Target = nameof(NoFeed))]
    public void SetupNoFeed() => _store = Peers.LoadStore(_set = new WorkingSet());

    [GlobalSetup(Target = nameof(IdleFeed))]
    public void SetupIdleFeed()
    {
        _store = Peers.LoadStore(_set = new WorkingSet());
        MemoryStreamingFactory.Create(_store, new MemoryStreamingOptions { RetainedChanges = 0 });
    }

    [GlobalSetup(Target = nameof(FeedWithLog))]
    public void SetupFeedWithLog()
    {
        _store = Peers.LoadStore(_set = new WorkingSet());
        MemoryStreamingFactory.Create(_store, new MemoryStreamingOptions { RetainedChanges = 10_000 });
    }

    [GlobalSetup(Target = nameof(OneSubscriber))]
    public void SetupOneSubscriber()
    {
        _store = Peers.LoadStore(_set = new WorkingSet());
        var streaming = MemoryStreamingFactory.Create(_store, new MemoryStreamingOptions { RetainedChanges = 0 });
        var stream = streaming.CreateStreamAsync().AsTask().GetAwaiter().GetResult();
        _subscription = streaming.SubscribeAsync(stream, new MemorySubscriptionOptions { BufferCapacity = 2 * Batch }).AsTask().GetAwaiter().GetResult();
        _reader = _subscription.GetAsyncEnumerator();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _reader?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _store?.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public void NoFeed() => Write();

    [Benchmark(OperationsPerInvoke = Batch)]
    public void IdleFeed() => Write();

    [Benchmark(OperationsPerInvoke = Batch)]
    public void FeedWithLog() => Write();

    [Benchmark(OperationsPerInvoke = Batch)]
    public void OneSubscriber()
    {
        Write();
        for (var i = 0; i < Batch; i++)
        {
            _reader!.MoveNextAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private void Write()
    {
        var (keys, values) = (_set.Keys, _set.Values);
        var index = _cursor;
        for (var i = 0; i < Batch; i++)
        {
            _store.StoreRawAsync(keys[index], values[index]).GetAwaiter().GetResult();
            index = WorkingSet.Next(index);
        }

        _cursor = index;
    }
}
