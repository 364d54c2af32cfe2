using System.Numerics.Tensors;
using System.Text;
using AgentMemory.Search;
using Microsoft.Extensions.AI;

namespace AgentMemory.Semantic;

/// <summary>
/// A dependency-free embedder: feature hashing of words, word bigrams and character trigrams into a fixed number of
/// dimensions, signed to cancel collisions on average, weighted by sub-linear term frequency (1 + ln count) and L2-normalized.
/// Texts that share words, word pairs or word fragments get similar vectors; it has no notion of synonyms or meaning,
/// so a real embedding model gives better recall. It is what a semantic memory uses when no
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> is registered.
/// </summary>
/// <remarks>Stateless apart from its settings; thread-safe. The same text always gives the same vector, on every machine.</remarks>
public sealed class HashingEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The model id reported in the generator's metadata and on each embedding.</summary>
    public const string ModelId = "agentmemory-feature-hashing-v1";

    private const float WordWeight = 1.0f;
    private const float BigramWeight = 0.6f;
    private const float TrigramWeight = 0.35f;

    private readonly TextTokenizer _tokenizer = new();
    private readonly EmbeddingGeneratorMetadata _metadata;

    /// <summary>Creates an embedder.</summary>
    /// <param name="dimensions">The vector length; at least 16. Defaults to 256: larger reduces collisions, smaller scans faster.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimensions"/> is less than 16.</exception>
    public HashingEmbeddingGenerator(int dimensions = 256)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 16);
        Dimensions = dimensions;
        _metadata = new EmbeddingGeneratorMetadata("AgentMemory", null, ModelId, dimensions);
    }

    /// <summary>The vector length.</summary>
    public int Dimensions { get; }

    /// <summary>Embeds each text.</summary>
    /// <param name="values">The texts.</param>
    /// <param name="options">Ignored.</param>
    /// <param name="cancellationToken">Cancels the call between texts.</param>
    /// <returns>One unit-length embedding per text, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> or one of its texts is null.</exception>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var result = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var value in values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            result.Add(new Embedding<float>(Embed(value)) { ModelId = ModelId });
        }

        return Task.FromResult(result);
    }

    /// <summary>Embeds one text.</summary>
    /// <param name="text">The text.</param>
    /// <returns>A unit-length vector of <see cref="Dimensions"/> components.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public float[] Embed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var vector = new float[Dimensions];
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var words = _tokenizer.Tokenize(text);
        for (var i = 0; i < words.Count; i++)
        {
            Count(counts, "w:" + words[i]);
            if (i > 0)
            {
                Count(counts, "b:" + words[i - 1] + " " + words[i]);
            }

            var padded = "#" + words[i] + "#";
            for (var j = 0; j + 3 <= padded.Length; j++)
            {
                Count(counts, string.Concat("c:", padded.AsSpan(j, 3)));
            }
        }

        if (counts.Count == 0)
        {
            // No words at all (only punctuation or symbols): fall back to the whole text, so the vector is not zero.
            Count(counts, "t:" + text.Trim());
        }

        foreach (var (feature, count) in counts)
        {
            var weight = feature[0] switch { 'b' => BigramWeight, 'c' => TrigramWeight, _ => WordWeight } * (1f + MathF.Log(count));
            var hash = Fnv1a(feature);
            var index = (int)(hash % (ulong)Dimensions);
            var sign = (hash >> 63) == 0 ? 1f : -1f;
            vector[index] += sign * weight;
        }

        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }
        else
        {
            vector[0] = 1f; // every feature cancelled out; any fixed unit vector keeps cosine defined
        }

        return vector;
    }

    /// <summary>Returns the generator's metadata, or itself, when asked for those types.</summary>
    /// <param name="serviceType">The type of service asked for.</param>
    /// <param name="serviceKey">Must be null.</param>
    /// <returns>The service, or null.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="serviceType"/> is null.</exception>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        return serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Does nothing: the embedder holds no resources.</summary>
    public void Dispose()
    {
    }

    private static void Count(Dictionary<string, int> counts, string feature) =>
        counts[feature] = counts.GetValueOrDefault(feature) + 1;

    private static ulong Fnv1a(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }

        // FNV's high bits mix poorly; finalize (splitmix64) so both the index and the sign bit are well spread.
        hash ^= hash >> 30;
        hash *= 0xBF58476D1CE4E5B9UL;
        hash ^= hash >> 27;
        hash *= 0x94D049BB133111EBUL;
        hash ^= hash >> 31;
        return hash;
    }
}
