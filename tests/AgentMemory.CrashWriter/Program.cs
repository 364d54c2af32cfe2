using AgentMemory;
using AgentMemory.Persistence;
using AgentMemory.Tiers;

// Usage: AgentMemory.CrashWriter <database> <ack-file> <first-index>
// Writes entries k<i> (a value), c<i % 7> (a counter incremented once per write) and appends "i" to the ack file
// after each write-through call returned. It never stops on its own: the test kills it with SIGKILL.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: AgentMemory.CrashWriter <database> <ack-file> <first-index>");
    return 2;
}

var first = long.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
await using var store = TieredMemoryStore.Open(new SqlitePersistenceOptions { Path = args[0], Durability = DurabilityMode.WriteThrough });
await using var ack = new FileStream(args[1], FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
for (var i = first; ; i++)
{
    await store.StoreAsync($"k{i}", $"value-{i}-" + new string('x', (int)(i % 300)));
    await store.ExecuteBatchAsync([MemoryBatchOperation.Store($"b{i}", i), MemoryBatchOperation.Store($"b{i}-twin", -i)]);
    await store.IncrementAsync($"c{i % 7}");
    var line = System.Text.Encoding.ASCII.GetBytes($"{i}\n");
    ack.Write(line);
    ack.Flush(flushToDisk: false);
}
