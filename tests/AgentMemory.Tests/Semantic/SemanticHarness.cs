using AgentMemory.Semantic;
using AgentMemory.Storage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.Semantic;

/// <summary>A <see cref="SemanticMemory"/> over an <see cref="InMemoryStore"/>, both on one fake clock.</summary>
internal sealed class SemanticHarness : IDisposable
{
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public SemanticHarness(IEmbeddingGenerator<string, Embedding<float>>? embedder = null, Action<SemanticMemoryOptions>? configure = null, InMemoryStore? store = null, FakeTimeProvider? time = null)
    {
        Time = time ?? new FakeTimeProvider(Epoch);
        Store = store ?? new InMemoryStore(timeProvider: Time);
        Options = new SemanticMemoryOptions();
        configure?.Invoke(Options);
        Memory = new SemanticMemory(Store, Options, embedder, timeProvider: Time);
    }

    public FakeTimeProvider Time { get; }

    public InMemoryStore Store { get; }

    public SemanticMemoryOptions Options { get; }

    public SemanticMemory Memory { get; }

    public async Task<MemoryRecord> Add(string content, MemoryScope? scope = null, MemoryType type = MemoryType.Semantic, double importance = 0.5, IReadOnlyDictionary<string, MetadataValue>? metadata = null, IReadOnlyList<string>? sources = null, string? id = null) =>
        await Memory.StoreAsync(new MemoryInput { Content = content, Scope = scope ?? MemoryScope.Shared, Type = type, Importance = importance, Metadata = metadata, SourceIds = sources, Id = id });

    public async Task<IReadOnlyList<MemorySearchResult>> Ask(string text, MemoryScope? scope = null, int limit = 5, Action<MemoryQuery>? configure = null)
    {
        var query = new MemoryQuery { Text = text, Scope = scope ?? MemoryScope.Shared, Limit = limit };
        configure?.Invoke(query);
        return await Memory.RetrieveAsync(query);
    }

    public void Dispose()
    {
        Memory.Dispose();
        Store.Dispose();
    }
}
