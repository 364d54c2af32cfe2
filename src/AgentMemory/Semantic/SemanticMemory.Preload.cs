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

        if (options.MaxCount < 0 || options.WarmQueryLimit < 1)
        {
            throw new ArgumentException($"{nameof(SemanticPreloadOptions.MaxCount)} must be at least 0 and {nameof(SemanticPreloadOptions.WarmQueryLimit)} at least 1 (were {options.MaxCount} and {options.WarmQueryLimit}).", nameof(options));
        }

        var warm = options.WarmQueries ?? [];
        if (warm.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Warm-up queries must not be null, empty or whitespace.", nameof(options));
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
        if (warm.Count > 0 && _resultCache is not null)
        {
            var template = new MemoryQuery { Text = warm[0], Scope = scope ?? MemoryScope.Shared, Limit = options.WarmQueryLimit };
            warmed = (await CandidatesAsync(warm, template, cancellationToken).ConfigureAwait(false)).Length;
        }
        else if (warm.Count > 0 && _embeddingCache is not null)
        {
            warmed = (await EmbedQueriesAsync([.. warm], cancellationToken).ConfigureAwait(false)).Length;
        }

        return new SemanticPreloadReport(built, _records.Count, important, read, warmed);
    }
}
