// An agent that remembers a user's preferences across a conversation, and across sessions.
//
// Run: dotnet run --project samples/SemanticMemory
//
// No embedding model is needed: without a registered IEmbeddingGenerator the semantic memory uses its built-in
// feature-hashing embedder. To use a real model, register one (for example an OpenAI or Ollama generator from
// Microsoft.Extensions.AI) with .AddEmbeddingGenerator(generator) before .AddSemanticMemory().
using AgentMemory;
using Microsoft.Extensions.DependencyInjection;

var services = new ServiceCollection();
services.AddAgentMemory()
        .AddSemanticMemory(o =>
        {
            o.ConversationTtl = TimeSpan.FromHours(2);
            o.Cache.ResultCapacity = 1000;             // cached candidate sets, dropped when a visible memory changes
            o.Cache.Ttl = TimeSpan.FromMinutes(10);
        })
        .AddHierarchicalMemory(o => o.ImmediateCapacity = 20);
await using var provider = services.BuildServiceProvider();
var memory = provider.GetRequiredService<ISemanticMemory>();
var levels = provider.GetRequiredService<IHierarchicalMemory>();

// Facts are learned for the user; the conversation belongs to one session.
var user = MemoryScope.ForUser("user-42");
var conversation = user with { SessionId = "monday", ConversationId = "chat-1" };

string[] userSays =
[
    "Hi, my name is Dana.",
    "I work at Northwind as a product designer.",
    "I live in Rotterdam.",
    "I prefer vegetarian food, and I hate cilantro.",
    "My favorite airline is KLM.",
    "I usually fly with hand luggage only.",
];

Console.WriteLine("== Monday: the user talks to the agent ==");
foreach (var line in userSays)
{
    var turn = await memory.AddConversationTurnAsync(conversation, "user", line);
    var reply = "Got it.";
    await memory.AddConversationTurnAsync(conversation, "assistant", reply);

    // Extract key information (names, work, location, preferences, habits, dates) and remember it,
    // with the conversation turn as provenance.
    var learned = await memory.LearnFromInteractionAsync(user, line, reply, sourceIds: [turn.Id]);
    foreach (var fact in learned.Where(m => m.Type != MemoryType.Episodic))
    {
        Console.WriteLine($"  learned [{fact.Type}, importance {fact.Importance:0.00}]: {fact.Content}");
    }
}

Console.WriteLine();
Console.WriteLine("== Friday, a new session: the agent plans a trip and recalls what matters ==");
var friday = user with { SessionId = "friday" };

// At session start: build the indexes (from persisted memories, with persistence configured), surface the most
// important memories for the system prompt, and warm the caches for the questions the agent is about to ask.
MemoryQuery Ask(string question) => new()
{
    Text = question,
    Scope = friday,
    Limit = 2,
    Types = [MemoryType.Semantic, MemoryType.Preference, MemoryType.Procedural],
};
var preload = await memory.PreloadAsync(new SemanticPreloadOptions
{
    Scope = friday,
    MinImportance = 0.75,
    MaxCount = 5,
    WarmQueries = [Ask("Which airline should I book?")],
});
Console.WriteLine($"  preloaded for the system prompt: {string.Join("; ", preload.Important.Select(m => m.Content))}");
foreach (var question in new[] { "Which airline should I book?", "What food should the hotel restaurant serve?", "Book the flight from the city where I live.", "How much luggage?" })
{
    var results = await memory.RetrieveAsync(Ask(question));
    Console.WriteLine($"  {question}");
    foreach (var r in results)
    {
        Console.WriteLine($"    {r.Score:0.00} (relevance {r.Relevance:0.00}, recency {r.Recency:0.00}, importance {r.Importance:0.00})  {r.Memory.Content}");
    }
}

var cache = (await memory.GetStatisticsAsync()).Cache!;
Console.WriteLine($"  retrieval cache: {cache.ResultHits} hits, {cache.ResultMisses} misses (the preloaded question was a hit)");

// Hierarchical memory: working notes enter at the immediate level and climb as they prove useful.
Console.WriteLine();
Console.WriteLine("== Trip planning notes in a hierarchy: immediate -> recent -> important -> learned ==");
var note = await levels.StoreAsync(new MemoryInput { Content = "Dana's hotel in Lisbon must have a vegetarian breakfast", Scope = user, Importance = 0.9 });
for (var i = 0; i < 5; i++)
{
    var recalled = await levels.RecallAsync(note.Memory.Id, user);
    if (recalled!.PromotedFrom is { } from)
    {
        Console.WriteLine($"  recall {i + 1}: promoted {from} -> {recalled.Level}");
    }
}

for (var i = 0; i < 6; i++)
{
    var validated = await levels.ValidateAsync(note.Memory.Id, user);   // the booking confirmed it was right
    if (validated!.PromotedFrom is { } from)
    {
        Console.WriteLine($"  validation {i + 1}: promoted {from} -> {validated.Level}");
    }
}

await levels.StoreAsync(new MemoryInput { Content = "Dana asked about the weather in Lisbon", Scope = user, Importance = 0.2 });
var byLevel = await levels.CountByLevelAsync(user);
Console.WriteLine($"  levels now: {string.Join(", ", byLevel.Select(p => $"{p.Key} {p.Value}"))}");

// Another user never sees Dana's memories.
var stranger = await memory.RetrieveAsync(new MemoryQuery { Text = "Which airline?", Scope = MemoryScope.ForUser("user-7") });
Console.WriteLine();
Console.WriteLine($"Another user asking about airlines sees {stranger.Count} memories.");

// Short-term memory: the turns of Monday's conversation (they expire after the conversation TTL).
var turns = await memory.GetConversationAsync(conversation, maxTurns: 4);
Console.WriteLine($"Last {turns.Count} turns of Monday's chat: {string.Join(" | ", turns.Select(t => $"{t.Role}: {t.Content}"))}");

var report = await memory.ConsolidateAsync();
var stats = await memory.GetStatisticsAsync(user);
var health = await memory.CheckHealthAsync();
Console.WriteLine($"Consolidation merged {report.Merged.Count} groups; {stats.Count} memories for the user " +
                  $"({stats.CountByType[MemoryType.Preference]} preferences); healthy: {health.IsHealthy}; embedder: {health.Embedder}");
