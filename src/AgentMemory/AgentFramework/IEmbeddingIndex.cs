namespace AgentMemory.AgentFramework;

/// <summary>
/// The seam between the facade's embedding calls and the index that serves them: <see cref="VectorEmbeddingIndex"/>,
/// the SIMD <see cref="Vectors.FlatVectorIndex"/> kept in step with a durable copy in the memory store.
/// </summary>
internal interface IEmbeddingIndex
{
    ValueTask UpsertAsync(string id, ReadOnlyMemory<float> embedding, IReadOnlyDictionary<string, MetadataValue>? metadata, CancellationToken cancellationToken);

    ValueTask<bool> DeleteAsync(string id, CancellationToken cancellationToken);

    ValueTask<IReadOnlyList<EmbeddingMatch>> QueryAsync(ReadOnlyMemory<float> query, int topK, IReadOnlyDictionary<string, MetadataValue>? filter, CancellationToken cancellationToken);

    ValueTask<long> CountAsync(CancellationToken cancellationToken);
}
