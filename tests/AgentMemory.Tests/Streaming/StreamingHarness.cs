using AgentMemory.Storage;
using AgentMemory.Streaming;
using AgentMemory.Tests.Storage;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.Streaming;

/// <summary>A store on a fake clock with a change feed attached.</summary>
internal sealed class StreamingHarness : IDisposable
{
    public StreamingHarness(Action<MemoryStreamingOptions>? configure = null, Action<HotTierOptions>? hotTier = null)
    {
        var options = new MemoryStreamingOptions();
        configure?.Invoke(options);
        var tier = new HotTierOptions { ExpirationScanInterval = TimeSpan.FromHours(1) };
        hotTier?.Invoke(tier);
        Time = new FakeTimeProvider(StoreHarness.Epoch);
        Store = new InMemoryStore(tier, Time);
        Streaming = MemoryStreamingFactory.Create(Store, options);
    }

    public FakeTimeProvider Time { get; }

    public InMemoryStore Store { get; }

    public IMemoryStreaming Streaming { get; }

    public ChangeFeed Feed => Store.ChangeFeedForTests;

    public string CreateStream(string? pattern = null, params MemoryChangeType[] types) =>
        Streaming.CreateStreamAsync(new MemoryStreamOptions { KeyPattern = pattern, ChangeTypes = types.Length == 0 ? null : new HashSet<MemoryChangeType>(types) }).Sync();

    public IMemoryChangeSubscription Subscribe(string streamId, MemorySubscriptionOptions? options = null) =>
        Streaming.SubscribeAsync(streamId, options).Sync();

    public void Dispose() => Store.Dispose();
}

/// <summary>Reads a subscription from synchronous test code.</summary>
internal static class SubscriptionReading
{
    /// <summary>Takes exactly <paramref name="count"/> changes (waiting for them as needed).</summary>
    public static List<MemoryChange> Take(this IAsyncEnumerator<MemoryChange> reader, int count)
    {
        var changes = new List<MemoryChange>(count);
        while (changes.Count < count)
        {
            reader.MoveNextAsync().AsTask().GetAwaiter().GetResult().Should().BeTrue("the subscription should still be live");
            changes.Add(reader.Current);
        }

        return changes;
    }

    /// <summary>True when a change is already buffered (MoveNextAsync completed synchronously); never waits.</summary>
    public static bool HasBuffered(this IMemoryChangeSubscription subscription) =>
        ((ChangeSubscription)subscription).Buffered > 0;
}
