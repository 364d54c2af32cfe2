using Microsoft.Extensions.AI;

namespace AgentMemory.Tests.Semantic;

/// <summary>
/// A deterministic stand-in for a real embedding model: words that mean the same thing map to the same concept axis
/// (job / work / employer …), so paraphrases with no word in common still land close together. Other words hash
/// into the remaining axes. Vectors are unit length.
/// </summary>
internal sealed class ConceptEmbedder : IEmbeddingGenerator<string, Embedding<float>>
{
    public const int Dimensions = 64;

    private static readonly string[][] Concepts =
    [
        ["name", "called", "call"],
        ["work", "works", "job", "employer", "company", "occupation", "career", "engineer", "profession"],
        ["live", "lives", "home", "city", "reside", "located", "town", "hometown"],
        ["tea", "coffee", "drink", "beverage", "prefers", "prefer"],
        ["color", "colour", "green", "blue", "red"],
        ["hiking", "hike", "mountains", "outdoors", "hobby", "weekend", "weekends"],
        ["birthday", "born", "birth"],
        ["pet", "dog", "cat", "animal"],
    ];

    private static readonly Dictionary<string, int> Axis = Concepts
        .SelectMany((words, axis) => words.Select(w => (w, axis)))
        .ToDictionary(p => p.w, p => p.axis, StringComparer.Ordinal);

    public int Calls { get; private set; }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls++;
        var result = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var value in values)
        {
            result.Add(new Embedding<float>(Embed(value)));
        }

        return Task.FromResult(result);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("test", null, "concepts", Dimensions) : null;

    public void Dispose()
    {
    }

    private static float[] Embed(string text)
    {
        var vector = new float[Dimensions];
        foreach (var word in AgentMemory.Search.TextTokenizer.Words(text))
        {
            if (Axis.TryGetValue(word, out var axis))
            {
                vector[axis] += 3f;
            }
            else if (word.Length > 2)
            {
                vector[Concepts.Length + (int)((uint)StableHash(word) % (uint)(Dimensions - Concepts.Length))] += 0.5f;
            }
        }

        vector[Dimensions - 1] += 0.01f; // never a zero vector
        var norm = MathF.Sqrt(vector.Sum(x => x * x));
        return [.. vector.Select(x => x / norm)];
    }

    private static int StableHash(string s)
    {
        var h = 17;
        foreach (var c in s)
        {
            h = unchecked((h * 31) + c);
        }

        return h;
    }
}
