// AgentMemory "watch": tails a store's change stream for a key pattern, like `tail -f` for memory.
// Usage: dotnet run --project samples/WatchChanges -- [pattern] [seconds]
//   pattern  a glob over keys (default "user:*"); seconds  how long to watch (default 3).
// A background "agent" writes, updates, deletes and lets entries expire; the watcher first replays what
// happened before it subscribed (from sequence 1), then continues live, with no gap and no duplicate.
using AgentMemory;
using AgentMemory.Streaming;
using Microsoft.Extensions.DependencyInjection;

var pattern = args.Length > 0 ? args[0] : "user:*";
var seconds = args.Length > 1 && int.TryParse(args[1], out var s) ? s : 3;

var services = new ServiceCollection();
services.AddAgentMemory(o => o.HotTier.ExpirationScanInterval = TimeSpan.FromMilliseconds(200))
        .AddMemoryStreaming(o =>
        {
            o.RetainedChanges = 10_000;                  // the change log replay reads from
            o.RetentionAge = TimeSpan.FromMinutes(10);
        });
await using var provider = services.BuildServiceProvider();
var memory = provider.GetRequiredService<IMemoryStore>();
var streaming = provider.GetRequiredService<IMemoryStreaming>(); // resolve before writing: the feed starts here

// Some history before anyone watches.
await memory.StoreAsync("user:1", "Ada");
await memory.StoreAsync("order:1", 99.5);
await memory.StoreAsync("user:2", "Grace", new MemoryEntryOptions { Ttl = TimeSpan.FromMilliseconds(500) });

// A stream is a named filter; a subscription is one reader of it with its own bounded buffer.
var streamId = await streaming.CreateStreamAsync(new MemoryStreamOptions { Name = "watch", KeyPattern = pattern });
await using var subscription = await streaming.SubscribeAsync(streamId, new MemorySubscriptionOptions
{
    FromSequence = 1,                               // replay the retained log, then go live
    BufferCapacity = 1_000,
    OverflowPolicy = StreamOverflowPolicy.DropOldest, // a slow watcher never slows the writers
});

using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
var agent = Task.Run(async () =>
{
    var random = new Random(7);
    for (var i = 3; !stop.IsCancellationRequested; i++)
    {
        var key = random.Next(3) == 0 ? $"order:{i}" : $"user:{random.Next(1, 6)}";
        if (random.Next(4) == 0)
        {
            await memory.DeleteAsync(key);
        }
        else
        {
            await memory.StoreAsync(key, $"value {i}", new MemoryEntryOptions { Metadata = new Dictionary<string, MetadataValue> { ["by"] = "agent" } });
        }

        await Task.Delay(150);
    }
});

Console.WriteLine($"watching '{pattern}' for {seconds}s (replaying from sequence 1)");
try
{
    await foreach (var change in subscription.WithCancellation(stop.Token))
    {
        var value = change.NewValue is { } bytes ? $"{bytes.Length} bytes" : "-";
        Console.WriteLine($"#{change.Sequence,-4} {change.Timestamp:HH:mm:ss.fff} {change.ChangeType,-8} {change.Key,-10} {value}");
    }
}
catch (OperationCanceledException)
{
}

await agent;
var metrics = await streaming.GetStreamMetricsAsync(streamId);
Console.WriteLine($"stream '{metrics!.Name}': published {metrics.Published}, delivered {metrics.Delivered}, dropped {metrics.Dropped}, last sequence {metrics.LastSequence}");
