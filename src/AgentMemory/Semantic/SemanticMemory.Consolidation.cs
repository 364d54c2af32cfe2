namespace AgentMemory.Semantic;

/// <summary>Consolidation: merging near-duplicates, decaying importance and cleaning up.</summary>
public sealed partial class SemanticMemory
{
    private const int NeighboursPerMerge = 32;

    /// <inheritdoc/>
    public async ValueTask<ConsolidationReport> ConsolidateAsync(SemanticConsolidationOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SemanticConsolidationOptions();
        ValidateConsolidation(options);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            var examined = _records.Values.Count(s => options.Scope is null || s.Record.Scope == options.Scope);
            var merged = options.MergeDuplicates ? await MergeAsync(options, cancellationToken).ConfigureAwait(false) : new Dictionary<string, IReadOnlyList<string>>();
            var decayed = 0;
            var removed = new List<string>();
            foreach (var stored in _records.Values.Where(s => options.Scope is null || s.Record.Scope == options.Scope).OrderBy(s => s.Record.Id, StringComparer.Ordinal).ToList())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var current = stored;
                if (options.DecayImportance)
                {
                    var r = current.Record;
                    var since = Max(r.LastAccessedAt ?? r.Timestamp, current.DecayedAt);
                    var elapsed = now - since;
                    if (elapsed > TimeSpan.Zero)
                    {
                        var importance = r.Importance * Math.Pow(0.5, elapsed / options.ImportanceHalfLife);
                        current = new StoredMemory(With(r, importance: importance), now);
                        if (importance < r.Importance)
                        {
                            decayed++;
                        }
                    }
                }

                var record = current.Record;
                if (options.Cleanup
                    && record.Importance < options.CleanupImportanceBelow
                    && now - record.Timestamp >= options.CleanupMinAge
                    && record.AccessCount <= options.CleanupMaxAccessCount)
                {
                    await RemoveAsync(record.Id, cancellationToken).ConfigureAwait(false);
                    removed.Add(record.Id);
                }
                else if (!ReferenceEquals(current, stored))
                {
                    await PutAsync(current, cancellationToken).ConfigureAwait(false);
                }
            }

            return new ConsolidationReport(examined, merged, decayed, removed);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Greedy clustering: memories in order of importance (then age, then id) each absorb their not-yet-absorbed
    /// neighbours of the same scope and type whose similarity reaches the threshold. The survivor keeps its content
    /// and embedding, takes the highest importance, the summed access count, the earliest timestamp, the latest
    /// access, the union of source ids plus the absorbed ids (provenance), and metadata it lacked.
    /// </summary>
    private async ValueTask<Dictionary<string, IReadOnlyList<string>>> MergeAsync(SemanticConsolidationOptions options, CancellationToken cancellationToken)
    {
        var merged = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (_vectors is not { } vectors)
        {
            return merged;
        }

        var order = _records.Values
            .Where(s => options.Scope is null || s.Record.Scope == options.Scope)
            .OrderByDescending(s => s.Record.Importance)
            .ThenBy(s => s.Record.Timestamp)
            .ThenBy(s => s.Record.Id, StringComparer.Ordinal)
            .ToList();
        var absorbed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var candidate in order)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (absorbed.Contains(candidate.Record.Id) || !_records.TryGetValue(candidate.Record.Id, out var survivor))
            {
                continue;
            }

            var r = survivor.Record;
            var duplicates = vectors
                .Search(r.Embedding.Span, NeighboursPerMerge, id => id != r.Id && !absorbed.Contains(id) && _records.TryGetValue(id, out var s) && s.Record.Scope == r.Scope && s.Record.Type == r.Type)
                .Where(n => n.Score >= options.SimilarityThreshold)
                .Select(n => _records[n.Id])
                .ToList();
            if (duplicates.Count == 0)
            {
                continue;
            }

            absorbed.Add(r.Id);
            var metadata = new Dictionary<string, MetadataValue>(r.Metadata, StringComparer.Ordinal);
            var sources = new List<string>(r.SourceIds);
            var importance = r.Importance;
            var accessCount = r.AccessCount;
            var timestamp = r.Timestamp;
            var lastAccess = r.LastAccessedAt;
            foreach (var duplicate in duplicates)
            {
                var d = duplicate.Record;
                absorbed.Add(d.Id);
                importance = Math.Max(importance, d.Importance);
                accessCount += d.AccessCount;
                timestamp = d.Timestamp < timestamp ? d.Timestamp : timestamp;
                lastAccess = d.LastAccessedAt is { } a && (lastAccess is null || a > lastAccess) ? a : lastAccess;
                foreach (var source in d.SourceIds.Append(d.Id))
                {
                    if (!sources.Contains(source, StringComparer.Ordinal))
                    {
                        sources.Add(source);
                    }
                }

                foreach (var (key, value) in d.Metadata)
                {
                    metadata.TryAdd(key, value);
                }

                await RemoveAsync(d.Id, cancellationToken).ConfigureAwait(false);
            }

            var combined = With(r, importance: importance, accessCount: accessCount, lastAccessedAt: lastAccess, sourceIds: sources, metadata: metadata, timestamp: timestamp);
            await PutAsync(survivor with { Record = combined }, cancellationToken).ConfigureAwait(false);
            merged[r.Id] = [.. duplicates.Select(d => d.Record.Id)];
        }

        return merged;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static void ValidateConsolidation(SemanticConsolidationOptions options)
    {
        if (!(options.SimilarityThreshold is >= -1 and <= 1))
        {
            throw new ArgumentException($"{nameof(SemanticConsolidationOptions.SimilarityThreshold)} must be in [-1, 1] (was {options.SimilarityThreshold}).", nameof(options));
        }

        if (options.ImportanceHalfLife <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(SemanticConsolidationOptions.ImportanceHalfLife)} must be positive (was {options.ImportanceHalfLife}).", nameof(options));
        }

        if (!(options.CleanupImportanceBelow is >= 0 and <= 1))
        {
            throw new ArgumentException($"{nameof(SemanticConsolidationOptions.CleanupImportanceBelow)} must be in [0, 1] (was {options.CleanupImportanceBelow}).", nameof(options));
        }

        if (options.CleanupMinAge < TimeSpan.Zero || options.CleanupMaxAccessCount < 0)
        {
            throw new ArgumentException($"{nameof(SemanticConsolidationOptions.CleanupMinAge)} and {nameof(SemanticConsolidationOptions.CleanupMaxAccessCount)} must not be negative.", nameof(options));
        }
    }
}
