namespace AgentMemory.Semantic;

/// <summary>Preloading: building the indexes, surfacing important memories and warming the caches ahead of use.</summary>
public sealed partial class SemanticMemory
{
    /// <inheritdoc/>
    public async ValueTask<SemanticPreloadReport> PreloadAsync(SemanticPreloadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SemanticPreloadOptions();
        if (!(options.MinImportance is >= 0 and <= 1))
        {
            throw new ArgumentException($"{nameof(SemanticPreloadOptions.MinImportance)} must be between 0 and 1 (was {options.MinImportance}).", nameof(options));
        }

        if (options.MaxCount < 0)
        {
            throw new ArgumentException($"{nameof(SemanticPreloadOptions.MaxCount)} must be at least 0 (was {options.MaxCount}).", nameof(options));
        }

        var warm = options.WarmQueries ?? [];
        foreach (var query in warm)
        {
            ValidateQuery(query, checkText: true);
        }

        var built = !_initialized;
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);

        var scope = options.Scope;
        var important = _records.Values
            .Select(s => s.Record)
            .Where(r => (scope is null || r.Scope.IsVisibleTo(scope)) && r.Importance >= options.MinImportance)
            .OrderByDescending(r => r.Importance)
            .ThenByDescending(r => r.Timestamp)
            .ThenBy(r => r.Id, StringComparer.Ordinal)
            .Take(options.MaxCount)
            .ToList();

        // Least important first, so that in a bounded hot tier the most important are the most recently used.
        var read = 0;
        for (var i = important.Count - 1; i >= 0; i--)
        {
            if (await _store.RetrieveRawAsync(_memoryPrefix + important[i].Id, cancellationToken).ConfigureAwait(false) is not null)
            {
                read++;
            }
        }

        var warmed = 0;
        foreach (var query in warm)
        {
            if (_resultCache is not null)
            {
                await CandidatesAsync([query.Text], query, cancellationToken).ConfigureAwait(false);
            }
            else if (_embeddingCache is not null)
            {
                await EmbedQueriesAsync([query.Text], cancellationToken).ConfigureAwait(false);
            }
            else
            {
                break;
            }

            warmed++;
        }

        return new SemanticPreloadReport(built, _records.Count, important, read, warmed);
    }
}
