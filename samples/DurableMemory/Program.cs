// AgentMemory durable memory: a tiered memory (hot in-process tier over a SQLite long-term tier and an archive)
// that survives restarts. Run it twice: the second run finds what the first one remembered.
//
//   dotnet run --project samples/DurableMemory               (keeps its files in ./agentmemory-data)
//   dotnet run --project samples/DurableMemory -- /tmp/mem   (or in a directory of your choice)
using AgentMemory;
using AgentMemory.Tiers;
using Microsoft.Extensions.DependencyInjection;

var dataDirectory = Path.GetFullPath(args.Length > 0 ? args[0] : "agentmemory-data");
Directory.CreateDirectory(dataDirectory);

// 1. Register: a bounded hot tier, a SQLite long-term tier (write-through: durable when StoreAsync returns),
//    an archive for entries nobody used in 30 days, and named memories with backups.
static ServiceProvider BuildServices(string dataDirectory)
{
    var services = new ServiceCollection();
    services.AddAgentMemory(o => o.HotTier.MaxEntries = 10_000)
        .AddSqlitePersistence(Path.Combine(dataDirectory, "memory.db"), o =>
        {
            o.Durability = DurabilityMode.WriteThrough;
            o.ArchiveDirectory = Path.Combine(dataDirectory, "archive");
            o.Consolidation.Interval = TimeSpan.FromMinutes(10);
        })
        .AddMemoryManager(o =>
        {
            o.RootDirectory = Path.Combine(dataDirectory, "memories");
            o.BackupRoot = Path.Combine(dataDirectory, "backups");
        });
    return services.BuildServiceProvider();
}

await using (var provider = BuildServices(dataDirectory))
{
    var memory = provider.GetRequiredService<IMemoryStore>();
    var operations = provider.GetRequiredService<IMemoryOperations>();

    // 2. Remember across runs: a run counter and the user's preferences.
    var run = await operations.IncrementAsync("sample:runs");
    Console.WriteLine($"run:          this is run number {run} against {dataDirectory}");
    var preferences = await memory.RetrieveAsync<UserPreferences>("user:42:preferences");
    Console.WriteLine(preferences is null
        ? "preferences:  none yet; storing them now"
        : $"preferences:  remembered from an earlier run: {preferences.Language}, {preferences.Tone}");
    await memory.StoreAsync("user:42:preferences", new UserPreferences("en", "concise"));

    // 3. Session context with a TTL (the expiry is kept on disk too), and a fact written straight to long-term memory.
    await memory.StoreAsync("session:42:context", "drafting the Q3 report", new MemoryEntryOptions { Ttl = TimeSpan.FromHours(1) });
    await memory.StoreAsync("fact:report-owner", "Ada", new MemoryEntryOptions { Tier = MemoryTier.LongTerm });

    // 4. Where things are, and a manual consolidation pass.
    var tiers = provider.GetRequiredService<ITieredMemoryStore>();
    Console.WriteLine($"located:      fact:report-owner is in the {await tiers.LocateAsync("fact:report-owner")} tier");
    var owner = await memory.RetrieveAsync<string>("fact:report-owner");
    Console.WriteLine($"read-through: {owner}; now in the {await tiers.LocateAsync("fact:report-owner")} tier");
    var result = await tiers.ConsolidateAsync();
    Console.WriteLine($"consolidated: examined {result.Examined}, promoted {result.Promoted}, demoted {result.Demoted}, archived {result.Archived}, failed {result.Failed}");
    var stats = await tiers.GetTierStatisticsAsync();
    Console.WriteLine($"tiers:        {stats.ShortTermEntries} hot, {stats.LongTermEntries} long-term, {stats.ArchiveEntries} archived ({stats.Durability})");

    // 5. Named memories: one per agent, with a verified backup.
    var manager = provider.GetRequiredService<IMemoryManager>();
    var planner = await manager.GetMemoryAsync("planner") ?? await manager.CreateMemoryAsync("planner");
    await planner.StoreAsync("plan", new[] { "collect numbers", "draft", "review" });
    var backup = await manager.BackupAsync("planner", "planner.bak");
    Console.WriteLine($"backup:       {backup.EntryCount} entries, {backup.SizeBytes} bytes -> {backup.Path}");
    await planner.DeleteAsync("plan");
    var restored = await manager.RestoreAsync("planner", "planner.bak");
    Console.WriteLine($"restore:      {restored.EntryCount} entries back; plan = {string.Join(" -> ", (await planner.RetrieveAsync<string[]>("plan"))!)}");
}

// 6. A restart in the same process: a new provider opens the same files and finds everything.
await using (var provider = BuildServices(dataDirectory))
{
    var memory = provider.GetRequiredService<IMemoryStore>();
    var context = await memory.RetrieveAsync<string>("session:42:context");
    var info = await memory.GetEntryInfoAsync("session:42:context");
    Console.WriteLine($"after restart: session context \"{context}\" still expires at {info!.ExpiresAt:u}");
    Console.WriteLine($"after restart: {(await memory.GetStatisticsAsync()).EntryCount} entries in all tiers");
}

/// <summary>What the sample remembers about a user.</summary>
public sealed record UserPreferences(string Language, string Tone);
