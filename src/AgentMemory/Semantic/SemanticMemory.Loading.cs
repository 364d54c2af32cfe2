using System.Numerics.Tensors;
using Microsoft.Extensions.Logging;

namespace AgentMemory.Semantic;

/// <summary>Start-up (rebuilding the indexes from the store) and embedding.</summary>
public sealed partial class SemanticMemory
{
    /// <summary>
    /// On first use, reads every stored memory back from the store and indexes it. Memories embedded with a different
    /// number of dimensions than the current embedder produces (the embedder was changed) are re-embedded and written
    /// back. Corrupt entries are logged, skipped and counted in the health report.
    /// </summary>
    private async ValueTask EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        if (_initialized)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_initialized)
            {
                return;
            }

            var loaded = new List<StoredMemory>();
            var skipped = 0;
            await foreach (var key in _store.EnumerateKeysAsync(_memoryPrefix + "*", 1000, cancellationToken).ConfigureAwait(false))
            {
                ReadOnlyMemory<byte>? raw;
                try
                {
                    raw = await _store.RetrieveRawAsync(key, cancellationToken).ConfigureAwait(false);
                }
                catch (MemoryTypeMismatchException)
                {
                    raw = null;
                }

                if (raw is null)
                {
                    continue;
                }

                try
                {
                    var stored = MemoryRecordCodec.Decode(raw.Value);
                    if (_memoryPrefix + stored.Record.Id != key)
                    {
                        throw new MemorySerializationException($"The memory under '{key}' names itself '{stored.Record.Id}'.");
                    }

                    loaded.Add(stored);
                }
                catch (MemorySerializationException ex)
                {
                    skipped++;
                    LogSkipped(_logger, key, ex);
                }
            }

            if (loaded.Count > 0)
            {
                var dimensions = (await EmbedAsync(["dimension probe"], cancellationToken).ConfigureAwait(false))[0].Length;
                var stale = loaded.Where(s => s.Record.Embedding.Length != dimensions).ToList();
                if (stale.Count > 0)
                {
                    var embeddings = await EmbedAsync([.. stale.Select(s => s.Record.Content)], cancellationToken).ConfigureAwait(false);
                    for (var i = 0; i < stale.Count; i++)
                    {
                        var refreshed = stale[i] with { Record = With(stale[i].Record, embedding: embeddings[i]) };
                        await _store.StoreRawAsync(_memoryPrefix + refreshed.Record.Id, MemoryRecordCodec.Encode(refreshed), new MemoryEntryOptions { Priority = _options.StorePriority }, cancellationToken).ConfigureAwait(false);
                        loaded[loaded.IndexOf(stale[i])] = refreshed;
                    }
                }
            }

            foreach (var stored in loaded)
            {
                Index(stored);
            }

            _skippedOnLoad = skipped;
            _initialized = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Embeds texts and checks what comes back: one finite, non-zero vector per text, all of one length.</summary>
    private async ValueTask<ReadOnlyMemory<float>[]> EmbedAsync(string[] texts, CancellationToken cancellationToken)
    {
        Microsoft.Extensions.AI.GeneratedEmbeddings<Microsoft.Extensions.AI.Embedding<float>> generated;
        try
        {
            generated = await _embedder.GenerateAsync(texts, null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not EmbeddingException)
        {
            throw new EmbeddingException($"The embedding generator failed: {ex.Message}", ex);
        }

        if (generated is null || generated.Count != texts.Length)
        {
            throw new EmbeddingException($"The embedding generator returned {generated?.Count ?? 0} embeddings for {texts.Length} texts.");
        }

        var expected = _vectors?.Dimensions ?? generated[0].Vector.Length;
        var result = new ReadOnlyMemory<float>[texts.Length];
        for (var i = 0; i < texts.Length; i++)
        {
            var vector = generated[i].Vector.ToArray();
            if (vector.Length != expected)
            {
                throw new EmbeddingException($"The embedding generator returned {vector.Length} dimensions where the memory's vectors have {expected}.");
            }

            foreach (var x in vector)
            {
                if (!float.IsFinite(x))
                {
                    throw new EmbeddingException("The embedding generator returned a vector with a NaN or infinite component.");
                }
            }

            if (vector.Length == 0 || TensorPrimitives.Norm(vector) == 0)
            {
                throw new EmbeddingException("The embedding generator returned an empty or zero vector, which has no direction.");
            }

            result[i] = vector;
        }

        return result;
    }

    internal static MemoryRecord With(MemoryRecord r, ReadOnlyMemory<float>? embedding = null, double? importance = null, long? accessCount = null, DateTimeOffset? lastAccessedAt = null, IReadOnlyList<string>? sourceIds = null, IReadOnlyDictionary<string, MetadataValue>? metadata = null, DateTimeOffset? timestamp = null) => new()
    {
        Id = r.Id,
        Content = r.Content,
        Type = r.Type,
        Scope = r.Scope,
        Timestamp = timestamp ?? r.Timestamp,
        Importance = importance ?? r.Importance,
        AccessCount = accessCount ?? r.AccessCount,
        LastAccessedAt = lastAccessedAt ?? r.LastAccessedAt,
        Metadata = metadata ?? r.Metadata,
        SourceIds = sourceIds ?? r.SourceIds,
        Embedding = embedding ?? r.Embedding,
    };

    [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "Skipped the corrupt semantic memory under '{Key}'.")]
    private static partial void LogSkipped(ILogger logger, string key, Exception exception);
}
