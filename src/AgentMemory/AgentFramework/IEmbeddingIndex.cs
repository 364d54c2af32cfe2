namespace AgentMemory.AgentFramework;

/// <summary>
/// The seam between the facade's embedding calls and the index that serves them. Today
/// <see cref="StoreScanEmbeddingIndex"/> (an exact scan over embeddings kept in the store); the vector index of the
/// Vectors/ folder will implement this when it lands.
/// </summary>
internal interface IEmbeddingIndex
{
    ValueTask UpsertAsync(string id, ReadOnlyMemory<float> embedding, IReadOnlyDictionary<string, MetadataValue>? metadata, CancellationToken cancellationToken);

    ValueTask<bool> DeleteAsync(string id, CancellationToken cancellationToken);

    ValueTask<IReadOnlyList<EmbeddingMatch>> QueryAsync(ReadOnlyMemory<float> query, int topK, IReadOnlyDictionary<string, MetadataValue>? filter, CancellationToken cancellationToken);

    ValueTask<long> CountAsync(CancellationToken cancellationToken);
}
