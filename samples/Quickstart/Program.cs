// AgentMemory quickstart: the main job a newcomer runs first.
// Registers the in-process memory with DI, then stores agent context with a TTL, reads it back, counts,
// keeps a hash and a list, lists keys by pattern and prints the store's statistics.
using AgentMemory;
using Microsoft.Extensions.DependencyInjection;

var services = new ServiceCollection();
services.AddAgentMemory(o =>
{
    o.HotTier.MaxEntries = 100_000;              // evict (lowest priority, least recently used first) past this
    o.HotTier.MaxBytes = 64L * 1024 * 1024;      // ... or past 64 MiB of keys, values and metadata
});
await using var provider = services.BuildServiceProvider();

var memory = provider.GetRequiredService<IMemoryStore>();
var operations = provider.GetRequiredService<IMemoryOperations>();

// 1. Agent context with a time to live and metadata.
var context = new AgentContext("agent-7", "Summarize the quarterly report", ["read_file", "search"]);
await memory.StoreAsync("context:agent-7", context, new MemoryEntryOptions
{
    Ttl = TimeSpan.FromMinutes(30),
    Priority = MemoryPriority.High,
    Metadata = new Dictionary<string, MetadataValue> { ["created_by"] = "orchestrator", ["version"] = 2 },
});

var restored = await memory.RetrieveAsync<AgentContext>("context:agent-7");
Console.WriteLine($"context:    {restored!.AgentId} is working on \"{restored.Goal}\" with {string.Join(", ", restored.Tools)}");

var metadata = await memory.GetMetadataAsync("context:agent-7");
var info = await memory.GetEntryInfoAsync("context:agent-7");
Console.WriteLine($"metadata:   created_by={metadata!["created_by"]}, version={metadata["version"]}, expires {info!.ExpiresAt:u}");

// 2. Atomic counters.
await operations.IncrementAsync("stats:tool_calls");
await operations.IncrementAsync("stats:tool_calls", 4);
var calls = await operations.DecrementAsync("stats:tool_calls");
Console.WriteLine($"counter:    stats:tool_calls = {calls}");

// 3. Compare-and-swap moves a task through its states without lost updates.
await memory.StoreAsync("task:42:status", "pending");
var claimed = await operations.CompareAndSwapAsync("task:42:status", "pending", "running");
Console.WriteLine($"cas:        pending -> running {(claimed ? "succeeded" : "failed")}; now {await memory.RetrieveAsync<string>("task:42:status")}");

// 4. A hash of user preferences, updated field by field.
await operations.SetHashAsync("prefs:user-1", new Dictionary<string, string> { ["language"] = "en", ["tone"] = "formal" });
await operations.SetHashFieldAsync("prefs:user-1", "tone", "casual");
var prefs = await operations.GetHashAsync<string>("prefs:user-1");
Console.WriteLine($"hash:       {string.Join(", ", prefs.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"))}");

// 5. A list as a conversation log.
await operations.AppendToListAsync("conversation:c-1", ["user: hi", "agent: hello! how can I help?"]);
await operations.AppendToListAsync("conversation:c-1", ["user: summarize the report"]);
var lastTwo = await operations.GetListRangeAsync<string>("conversation:c-1", ^2..);
Console.WriteLine($"list:       {await operations.GetListLengthAsync("conversation:c-1")} turns, last two: {string.Join(" | ", lastTwo)}");

// 6. Keys by glob pattern.
var keys = await memory.ListKeysAsync("*:*-[0-9]*", limit: 10);
Console.WriteLine($"keys:       {string.Join(", ", keys)}");

// 7. Statistics.
var stats = await memory.GetStatisticsAsync();
Console.WriteLine($"stats:      {stats.EntryCount} entries, {stats.BytesUsed} bytes, {stats.Hits} hits, {stats.Misses} misses, hit rate {stats.HitRate:P0}");

return 0;

/// <summary>What an agent is doing: the context the quickstart stores.</summary>
public sealed record AgentContext(string AgentId, string Goal, string[] Tools);
