using System.Collections.Concurrent;
using AgentMemory.Storage;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.Storage;

/// <summary>An <see cref="InMemoryStore"/> on a fake clock that records every <see cref="InMemoryStore.EntryRemoved"/> event.</summary>
internal sealed class StoreHarness : IDisposable
{
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public StoreHarness(Action<HotTierOptions>? configure = null)
    {
        Options = new HotTierOptions();
        configure?.Invoke(Options);
        Time = new FakeTimeProvider(Epoch);
        Store = new InMemoryStore(Options, Time);
        Store.EntryRemoved += (_, e) => Removed.Enqueue(e);
    }

    public HotTierOptions Options { get; }

    public FakeTimeProvider Time { get; }

    public InMemoryStore Store { get; }

    /// <summary>The store through its base contract.</summary>
    public IMemoryStore Memory => Store;

    /// <summary>The store through its operations contract.</summary>
    public IMemoryOperations Ops => Store;

    public ConcurrentQueue<MemoryEntryRemovedEventArgs> Removed { get; } = new();

    public MemoryStatistics Stats() => Store.GetStatisticsAsync().Sync();

    /// <summary>Every live key, paged through <see cref="IMemoryStore.ListKeysPageAsync"/>.</summary>
    public List<string> AllKeys(int pageSize = 7)
    {
        var keys = new List<string>();
        string? token = null;
        do
        {
            var page = Store.ListKeysPageAsync(null, token, pageSize).Sync();
            keys.AddRange(page.Keys);
            token = page.ContinuationToken;
        }
        while (token is not null);

        return keys;
    }

    /// <summary>Sums <see cref="MemoryEntryInfo.SizeBytes"/> over every live key.</summary>
    public long SumOfEntrySizes()
    {
        long sum = 0;
        foreach (var key in AllKeys())
        {
            var info = Store.GetEntryInfoAsync(key).Sync();
            sum += info!.SizeBytes;
        }

        return sum;
    }

    public void Dispose() => Store.Dispose();
}

/// <summary>Runs the store's (synchronously completing) calls from synchronous code such as CsCheck callbacks.</summary>
internal static class ValueTaskSync
{
    public static T Sync<T>(this ValueTask<T> task) =>
        task.IsCompletedSuccessfully ? task.Result : task.AsTask().GetAwaiter().GetResult();

    public static void Sync(this ValueTask task)
    {
        if (!task.IsCompletedSuccessfully)
        {
            task.AsTask().GetAwaiter().GetResult();
        }
    }
}
