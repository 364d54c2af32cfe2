namespace AgentMemory.AgentFramework;

/// <summary>Embeddings, delegated to the <see cref="VectorEmbeddingIndex"/>.</summary>
public sealed partial class AgentMemoryFacade
{
    /// <inheritdoc />
    public ValueTask IndexEmbeddingAsync(string id, ReadOnlyMemory<float> embedding, IReadOnlyDictionary<string, MetadataValue>? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        CheckDimensions(embedding, nameof(embedding));
        return _embeddings.UpsertAsync(id, embedding, metadata, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<EmbeddingMatch>> QueryEmbeddingsAsync(ReadOnlyMemory<float> query, int topK = 10, IReadOnlyDictionary<string, MetadataValue>? filter = null, CancellationToken cancellationToken = default)
    {
        CheckDimensions(query, nameof(query));
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        return _embeddings.QueryAsync(query, topK, filter, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteEmbeddingAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return _embeddings.DeleteAsync(id, cancellationToken);
    }

    private void CheckDimensions(ReadOnlyMemory<float> vector, string paramName)
    {
        if (vector.IsEmpty)
        {
            throw new ArgumentException("A vector must not be empty.", paramName);
        }

        if (_options.EmbeddingDimensions is { } dimensions && vector.Length != dimensions)
        {
            throw new ArgumentException($"Vectors must have {dimensions} dimensions (AgentMemoryFacadeOptions.EmbeddingDimensions); this one has {vector.Length}.", paramName);
        }
    }
}
