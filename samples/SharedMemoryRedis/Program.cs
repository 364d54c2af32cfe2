// Two processes sharing memory through Redis.
// Usage: dotnet run --project samples/SharedMemoryRedis -- [redis] [role] [prefix]
//   redis   a StackExchange.Redis connection string (default: $AGENTMEMORY_REDIS or localhost:6379)
//   role    "demo" (default: watch here and start a writer as a child process), "writer" or "watcher"
//   prefix  the key prefix both processes share (the demo picks a fresh one and hands it to the child)
// The writer takes a Redis lock on the shared context and makes fenced writes to the shared Redis store, which publishes
// each mutation as a change; the watcher replays the change stream from its start, then follows it live, printing each
// value, what the store holds for the key now, and who holds the lock.
using System.Diagnostics;
using AgentMemory;
using AgentMemory.Redis;
using AgentMemory.Redis.Locks;
using AgentMemory.Redis.Storage;
using AgentMemory.Redis.Streaming;
using StackExchange.Redis;

var redis = args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("AGENTMEMORY_REDIS") ?? "localhost:6379";
var role = args.Length > 1 ? args[1] : "demo";
var prefix = args.Length > 2 ? args[2] : $"sample:{Guid.NewGuid():N}:";
// PublishChanges: every write to the store also appends a change record to the prefix's Redis Stream, atomically.
var options = new RedisMemoryOptions { ConnectionString = redis, KeyPrefix = prefix, ConnectTimeout = TimeSpan.FromSeconds(2), PublishChanges = true };

await using var connection = await ConnectionMultiplexer.ConnectAsync($"{redis},abortConnect=false,connectTimeout=2000");
if (!connection.IsConnected)
{
    Console.Error.WriteLine($"""
        No Redis server answers at '{redis}'.
        Start one, then run this sample again:
          Debian/Ubuntu:  sudo apt-get install redis-server && redis-server --port 6379
          Docker:         docker run --rm -p 6379:6379 redis:7
        Or point the sample at yours:  dotnet run --project samples/SharedMemoryRedis -- host:port
        (or set AGENTMEMORY_REDIS=host:port).
        """);
    return 2;
}

await using var store = new RedisMemoryStore(connection, options);
await using var locks = new RedisDistributedLockProvider(connection, options);
await using var streaming = new RedisMemoryStreaming(connection, options);

switch (role)
{
    case "writer":
        await WriteAsync();
        return 0;
    case "watcher":
        await WatchAsync(child: null);
        return 0;
    default:
        var writer = StartSelf("writer");
        await WatchAsync(writer);
        await writer.WaitForExitAsync();
        return writer.ExitCode;
}

// The writer: one lock on the shared context, fenced writes to the shared store (each one becomes a change).
async Task WriteAsync()
{
    var me = $"writer-{Environment.ProcessId}";
    await using var lease = await locks.AcquireAsync("context", new LockOptions { Owner = me, LeaseTtl = TimeSpan.FromSeconds(30) });
    Console.WriteLine($"[{me}] holds the lock on 'context' (fencing token {lease.FencingToken})");
    string[] steps = ["goal: ship the release", "plan: run the tests", "plan: tag v1.0", "status: released"];
    foreach (var step in steps)
    {
        // A fenced write runs only while this lease's token is the newest grant: a stalled former holder is refused.
        await locks.ExecuteFencedAsync("context", lease.FencingToken, async ct =>
        {
            var key = "ctx:" + step[..step.IndexOf(':', StringComparison.Ordinal)];
            await store.StoreAsync(key, step, new MemoryEntryOptions { Ttl = TimeSpan.FromHours(1) }, ct);
            Console.WriteLine($"[{me}] stored {key} = \"{step}\"");
        });
    }

    await store.StoreAsync("ctx:done", me);
}

// The watcher: replays the shared change stream from its first change, then follows it live until the writer is done.
async Task WatchAsync(Process? child)
{
    var stream = await streaming.CreateStreamAsync(new MemoryStreamOptions { Name = "context", KeyPattern = "ctx:*" });
    await using var subscription = await streaming.SubscribeAsync(stream, new MemorySubscriptionOptions { FromSequence = 1, AllowReplayGap = true });
    Console.WriteLine($"[watcher-{Environment.ProcessId}] watching '{prefix}__changes' for ctx:* ...");
    using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
    await foreach (var change in subscription.WithCancellation(stop.Token))
    {
        // The change carries the value as the store serialized it; the store itself has the latest value of the key.
        var value = change.NewValue is { } bytes ? store.Serializer.Deserialize<string>(bytes.ToArray()) : "(none)";
        var now = await store.RetrieveAsync<string>(change.Key);
        var holder = await locks.GetLockInfoAsync("context");
        Console.WriteLine($"[watcher-{Environment.ProcessId}] change {change.Sequence}: {change.Key} {change.ChangeType} = \"{value}\" (store now: \"{now}\"); lock held by {holder?.Owner ?? "nobody"}");
        if (change.Key == "ctx:done")
        {
            break;
        }
    }
}

Process StartSelf(string childRole)
{
    // Run the same program again: "dotnet SharedMemoryRedis.dll ..." or the apphost directly.
    var host = Environment.ProcessPath!;
    var info = new ProcessStartInfo(host) { UseShellExecute = false };
    if (Path.GetFileNameWithoutExtension(host) == "dotnet")
    {
        info.ArgumentList.Add(typeof(RedisMemoryOptions).Assembly.Location.Replace("AgentMemory.Redis.dll", "SharedMemoryRedis.dll", StringComparison.Ordinal));
    }

    info.ArgumentList.Add(redis);
    info.ArgumentList.Add(childRole);
    info.ArgumentList.Add(prefix);
    return Process.Start(info) ?? throw new InvalidOperationException("Could not start the writer process.");
}
