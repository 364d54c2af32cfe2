using AgentMemory.Semantic;
using AgentMemory.Storage;
using Microsoft.Extensions.AI;

namespace AgentMemory.Benchmarks.Semantic;

/// <summary>20k memories (10k for the measured user, 10k for another), with an embedder that serves precomputed vectors.</summary>
internal sealed class HybridFixture : IDisposable
{
    private static readonly string[] Topics = ["coffee", "hiking", "python", "taxes", "garden", "jazz", "chess", "travel", "cooking", "running", "movies", "budget"];
    private readonly string[] _queries;
    private readonly float[][] _queryVectors;

    private HybridFixture(InMemoryStore store, SemanticMemory memory, string[] queries, float[][] queryVectors, List<(string, float[])> userVectors, List<(string, string)> userTexts, int dimensions)
    {
        Store = store;
        Memory = memory;
        _queries = queries;
        _queryVectors = queryVectors;
        UserVectors = userVectors;
        UserTexts = userTexts;
        Dimensions = dimensions;
    }

    public static readonly MemoryScope User = MemoryScope.ForUser("bench-user");

    public InMemoryStore Store { get; }

    public SemanticMemory Memory { get; }

    public List<(string Id, float[] Vector)> UserVectors { get; }

    public List<(string Id, string Text)> UserTexts { get; }

    public int Dimensions { get; }

    /// <summary>The ids of the other user's memories.</summary>
    public List<string> OtherIds { get; private init; } = [];

    /// <summary>Builds the fixture.</summary>
    /// <param name="perUser">Memories per user (two users).</param>
    /// <param name="configure">Adjusts the semantic memory's options (the retrieval caches are off unless this turns them on).</param>
    /// <param name="realEmbedder">Embed queries with the built-in hashing embedder at call time instead of serving precomputed vectors.</param>
    public static HybridFixture Create(int perUser = 10_000, Action<SemanticMemoryOptions>? configure = null, bool realEmbedder = false)
    {
        var hashing = new HashingEmbeddingGenerator();
        var random = new Random(3);
        var texts = new List<string>();
        for (var i = 0; i < perUser; i++)
        {
            texts.Add($"note {i}: the user mentioned {Topics[random.Next(Topics.Length)]} and {Topics[random.Next(Topics.Length)]} while talking about item {random.Next(5000)}");
        }

        var queries = Enumerable.Range(0, 64).Select(i => $"what did the user say about {Topics[i % Topics.Length]} and item {i * 37}").ToArray();
        var cache = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var text in texts.Concat(queries).Append("dimension probe").Append("health check"))
        {
            cache[text] = hashing.Embed(text);
        }

        var store = new InMemoryStore();
        var options = new SemanticMemoryOptions();
        options.Cache.ResultCapacity = 0;
        options.Cache.EmbeddingCapacity = 0;
        configure?.Invoke(options);
        var memory = new SemanticMemory(store, options, realEmbedder ? hashing : new CachedEmbedder(cache, hashing));
        var batch = texts.Select((t, i) => new MemoryInput { Content = t, Scope = User, Importance = (i % 10) / 10.0 }).ToList();
        var stored = memory.StoreBatchAsync(batch).AsTask().GetAwaiter().GetResult();
        var others = memory.StoreBatchAsync([.. texts.Select(t => new MemoryInput { Content = t, Scope = OtherUser })]).AsTask().GetAwaiter().GetResult();
        var userVectors = stored.Select(s => (s.Id, s.Embedding.ToArray())).ToList();
        var userTexts = stored.Select(s => (s.Id, s.Content)).ToList();
        return new HybridFixture(store, memory, queries, [.. queries.Select(q => cache[q])], userVectors, userTexts, hashing.Dimensions)
        {
            OtherIds = [.. others.Select(o => o.Id)],
        };
    }

    public static readonly MemoryScope OtherUser = MemoryScope.ForUser("someone-else");

    public MemoryQuery Query(int i, bool updateAccess) =>
        new() { Text = _queries[i & 63], Scope = User, Limit = 10, UpdateAccessStatistics = updateAccess };

    public float[] QueryVector(int i) => _queryVectors[i & 63];

    public void Dispose()
    {
        Memory.Dispose();
        Store.Dispose();
    }

    /// <summary>Serves precomputed vectors so that retrieval benchmarks exclude embedding time.</summary>
    private sealed class CachedEmbedder(Dictionary<string, float[]> cache, HashingEmbeddingGenerator fallback) : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(cache.TryGetValue(v, out var e) ? e : fallback.Embed(v)))));

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
