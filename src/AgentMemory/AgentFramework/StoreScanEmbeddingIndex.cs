using System.Numerics.Tensors;
using AgentMemory.Coordination;

namespace AgentMemory.AgentFramework;

/// <summary>
/// Embeddings kept as <c>float[]</c> store entries (with their metadata as entry metadata), queried by an exact
/// cosine scan with <see cref="TensorPrimitives"/> over every stored embedding: linear in the number of
/// embeddings, meant as a correct baseline until the real vector index replaces it behind <see cref="IEmbeddingIndex"/>.
/// </summary>
internal sealed class StoreScanEmbeddingIndex(IMemoryStore store, string keyPrefix) : IEmbeddingIndex
{
    private readonly string _pattern = KeyPatterns.StartsWith(keyPrefix);

    public ValueTask UpsertAsync(string id, ReadOnlyMemory<float> embedding, IReadOnlyDictionary<string, MetadataValue>? metadata, CancellationToken cancellationToken)
        => store.StoreAsync(keyPrefix + id, embedding.ToArray(), new MemoryEntryOptions { Metadata = metadata, Priority = MemoryPriority.High }, cancellationToken);

    public ValueTask<bool> DeleteAsync(string id, CancellationToken cancellationToken) => store.DeleteAsync(keyPrefix + id, cancellationToken);

    public async ValueTask<IReadOnlyList<EmbeddingMatch>> QueryAsync(ReadOnlyMemory<float> query, int topK, IReadOnlyDictionary<string, MetadataValue>? filter, CancellationToken cancellationToken)
    {
        var best = new PriorityQueue<(string Key, float Score), float>(topK + 1);
        await foreach (var key in store.EnumerateKeysAsync(_pattern, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var vector = await store.RetrieveAsync<float[]>(key, cancellationToken).ConfigureAwait(false);
            if (vector is null || vector.Length != query.Length)
            {
                continue;
            }

            if (filter is { Count: > 0 } && !Matches(await store.GetMetadataAsync(key, cancellationToken).ConfigureAwait(false), filter))
            {
                continue;
            }

            var score = TensorPrimitives.CosineSimilarity(query.Span, vector);
            if (float.IsNaN(score))
            {
                continue;
            }

            best.Enqueue((key, score), score);
            if (best.Count > topK)
            {
                best.Dequeue();
            }
        }

        var results = new EmbeddingMatch[best.Count];
        for (var i = results.Length - 1; i >= 0; i--)
        {
            var (key, score) = best.Dequeue();
            var metadata = await store.GetMetadataAsync(key, cancellationToken).ConfigureAwait(false) ?? new Dictionary<string, MetadataValue>();
            results[i] = new EmbeddingMatch(key[keyPrefix.Length..], score, metadata);
        }

        return results;
    }

    public async ValueTask<long> CountAsync(CancellationToken cancellationToken)
    {
        long count = 0;
        await foreach (var unused in store.EnumerateKeysAsync(_pattern, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            count++;
        }

        return count;
    }

    private static bool Matches(IReadOnlyDictionary<string, MetadataValue>? metadata, IReadOnlyDictionary<string, MetadataValue> filter)
    {
        if (metadata is null)
        {
            return false;
        }

        foreach (var (field, expected) in filter)
        {
            if (!metadata.TryGetValue(field, out var actual) || actual != expected)
            {
                return false;
            }
        }

        return true;
    }
}
