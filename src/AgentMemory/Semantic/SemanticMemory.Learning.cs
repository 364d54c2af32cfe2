namespace AgentMemory.Semantic;

/// <summary>Learning: extracting key information from interactions and storing or reinforcing it.</summary>
public sealed partial class SemanticMemory
{
    private const double ReinforcementBoost = 0.05;

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<MemoryRecord>> LearnFromInteractionAsync(MemoryScope scope, string userMessage, string? assistantResponse = null, IReadOnlyList<string>? sourceIds = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentException.ThrowIfNullOrWhiteSpace(userMessage);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var sources = sourceIds is null ? [] : sourceIds.ToArray();
        var extracted = await _extractor.ExtractAsync(userMessage, cancellationToken).ConfigureAwait(false);
        var learned = new List<MemoryRecord>();
        if (extracted.Count > 0)
        {
            var embeddings = await EmbedAsync([.. extracted.Select(e => e.Content)], cancellationToken).ConfigureAwait(false);
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var now = _time.GetUtcNow();
                for (var i = 0; i < extracted.Count; i++)
                {
                    var fact = extracted[i];
                    var importance = Math.Clamp(fact.Importance, 0, 1);
                    if (FindDuplicate(embeddings[i], scope, fact.Type) is { } existing)
                    {
                        var r = existing.Record;
                        var metadata = new Dictionary<string, MetadataValue>(r.Metadata, StringComparer.Ordinal);
                        foreach (var (key, value) in fact.Metadata)
                        {
                            metadata.TryAdd(key, value);
                        }

                        var reinforced = With(
                            r,
                            importance: Math.Min(1, Math.Max(r.Importance, importance) + ReinforcementBoost),
                            sourceIds: [.. r.SourceIds.Union(sources, StringComparer.Ordinal)],
                            metadata: metadata);
                        await PutAsync(existing with { Record = reinforced }, cancellationToken).ConfigureAwait(false);
                        learned.Add(reinforced);
                        continue;
                    }

                    var record = new MemoryRecord
                    {
                        Id = Guid.NewGuid().ToString("N"),
                        Content = fact.Content,
                        Type = fact.Type,
                        Scope = scope,
                        Timestamp = now,
                        Importance = importance,
                        Metadata = CopyMetadata(fact.Metadata),
                        SourceIds = sources,
                        Embedding = embeddings[i],
                    };
                    await PutAsync(new StoredMemory(record, now), cancellationToken).ConfigureAwait(false);
                    learned.Add(record);
                }
            }
            finally
            {
                _gate.Release();
            }
        }

        var episode = assistantResponse is null
            ? $"User said: {userMessage}"
            : $"User said: {userMessage}\nAssistant replied: {assistantResponse}";
        learned.Add(await StoreAsync(
            new MemoryInput
            {
                Content = episode,
                Type = MemoryType.Episodic,
                Scope = scope,
                Importance = _options.InteractionImportance,
                SourceIds = [.. sources, .. learned.Select(l => l.Id)],
                Metadata = new Dictionary<string, MetadataValue> { ["kind"] = "interaction" },
            },
            cancellationToken).ConfigureAwait(false));
        return learned;
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ExtractedMemory>> ExtractKeyInformationAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _extractor.ExtractAsync(text, cancellationToken);
    }

    /// <summary>The most similar memory of exactly this scope and type, if at least as similar as the learning threshold.</summary>
    private StoredMemory? FindDuplicate(ReadOnlyMemory<float> embedding, MemoryScope scope, MemoryType type)
    {
        if (_vectors is not { } vectors)
        {
            return null;
        }

        var best = vectors.Search(embedding.Span, 1, id => _records.TryGetValue(id, out var s) && s.Record.Type == type && s.Record.Scope == scope);
        return best.Count == 1 && best[0].Score >= _options.LearningDuplicateThreshold && _records.TryGetValue(best[0].Id, out var found) ? found : null;
    }
}
