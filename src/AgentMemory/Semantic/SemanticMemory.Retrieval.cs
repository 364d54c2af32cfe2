using System.Numerics.Tensors;
using AgentMemory.Search;

namespace AgentMemory.Semantic;

/// <summary>Retrieval: hybrid candidate search, scoring, multi-query, contextual and recent retrieval.</summary>
public sealed partial class SemanticMemory
{
    private const int MinCandidates = 50;

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<MemorySearchResult>> RetrieveAsync(MemoryQuery query, CancellationToken cancellationToken = default)
    {
        ValidateQuery(query, checkText: true);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var started = _time.GetTimestamp();
        var candidates = (await CandidatesAsync([query.Text], query, cancellationToken).ConfigureAwait(false))[0];
        var ranked = ScoreAll(candidates, _time.GetUtcNow());
        var results = ranked.Count > query.Limit ? ranked.GetRange(0, query.Limit) : ranked;
        if (query.UpdateAccessStatistics)
        {
            await TouchAsync(results, cancellationToken).ConfigureAwait(false);
        }

        _retrievalStats.Record(_time.GetElapsedTime(started), results);
        return results;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<MemorySearchResult>> RetrieveMultiAsync(IReadOnlyList<string> queries, MemoryQuery template, MultiQueryAggregation aggregation = MultiQueryAggregation.Max, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ValidateQuery(template, checkText: false);
        if (queries.Count == 0 || queries.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Give at least one query, and no empty ones.", nameof(queries));
        }

        if (!Enum.IsDefined(aggregation))
        {
            throw new ArgumentException($"The aggregation {(int)aggregation} is not defined.", nameof(aggregation));
        }

        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var started = _time.GetTimestamp();
        var candidateSets = await CandidatesAsync(queries, template, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var scores = new Dictionary<string, (MemorySearchResult Best, double Aggregate)>(StringComparer.Ordinal);
        for (var q = 0; q < queries.Count; q++)
        {
            var ranked = ScoreAll(candidateSets[q], now);
            for (var rank = 0; rank < ranked.Count; rank++)
            {
                var hit = ranked[rank];
                var contribution = aggregation == MultiQueryAggregation.ReciprocalRank ? 1.0 / (HybridFusion.DefaultRankConstant + rank + 1) : hit.Score;
                if (scores.TryGetValue(hit.Memory.Id, out var seen))
                {
                    var best = hit.Relevance > seen.Best.Relevance ? hit : seen.Best;
                    var aggregate = aggregation == MultiQueryAggregation.Max ? Math.Max(seen.Aggregate, contribution) : seen.Aggregate + contribution;
                    scores[hit.Memory.Id] = (best, aggregate);
                }
                else
                {
                    scores[hit.Memory.Id] = (hit, contribution);
                }
            }
        }

        var results = scores.Values
            .Select(v => v.Best with { Score = aggregation == MultiQueryAggregation.Mean ? v.Aggregate / queries.Count : v.Aggregate })
            .OrderByDescending(r => r.Score)
            .ThenBy(r => r.Memory.Id, StringComparer.Ordinal)
            .Take(template.Limit)
            .ToList();
        if (template.UpdateAccessStatistics)
        {
            await TouchAsync(results, cancellationToken).ConfigureAwait(false);
        }

        _retrievalStats.Record(_time.GetElapsedTime(started), results);
        return results;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<MemorySearchResult>> RetrieveContextualAsync(MemoryQuery query, int relatedPerHit = 3, double minSimilarity = 0.5, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(relatedPerHit);
        var direct = await RetrieveAsync(query, cancellationToken).ConfigureAwait(false);
        if (relatedPerHit == 0 || direct.Count == 0)
        {
            return direct;
        }

        var types = TypeSet(query.Types);
        var now = _time.GetUtcNow();
        var seen = new HashSet<string>(direct.Select(d => d.Memory.Id), StringComparer.Ordinal);
        var related = new List<MemorySearchResult>();
        foreach (var hit in direct)
        {
            var origin = hit.Memory;
            var candidates = new List<MemoryRecord>();
            foreach (var source in origin.SourceIds)
            {
                if (_records.TryGetValue(source, out var s) && Passes(s.Record, query, types))
                {
                    candidates.Add(s.Record);
                }
            }

            candidates.AddRange(_records.Values
                .Select(s => s.Record)
                .Where(r => r.SourceIds.Contains(origin.Id, StringComparer.Ordinal) && Passes(r, query, types))
                .OrderBy(r => r.Id, StringComparer.Ordinal));
            var linked = candidates.Count;
            if (_vectors is { } vectors)
            {
                foreach (var neighbour in vectors.Search(origin.Embedding.Span, relatedPerHit + 1, id => id != origin.Id && _records.TryGetValue(id, out var s) && Passes(s.Record, query, types)))
                {
                    if (neighbour.Score >= minSimilarity && _records.TryGetValue(neighbour.Id, out var s))
                    {
                        candidates.Add(s.Record);
                    }
                }
            }

            var added = 0;
            for (var i = 0; i < candidates.Count && added < relatedPerHit; i++)
            {
                var candidate = candidates[i];
                if (!seen.Add(candidate.Id))
                {
                    continue;
                }

                var similarity = Math.Max(0, Cosine(origin.Embedding.Span, candidate.Embedding.Span));
                if (i >= linked && similarity < minSimilarity)
                {
                    continue;
                }

                related.Add(Score(candidate, similarity, now, 1.0));
                added++;
            }
        }

        related.Sort(ByScore);
        if (query.UpdateAccessStatistics)
        {
            await TouchAsync(related, cancellationToken).ConfigureAwait(false);
        }

        return [.. direct, .. related];
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<MemoryRecord>> GetRecentAsync(MemoryScope scope, TimeSpan window, int limit = 20, IReadOnlyCollection<MemoryType>? types = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var since = _time.GetUtcNow() - window;
        var typeSet = TypeSet(types);
        return [.. _records.Values
            .Select(s => s.Record)
            .Where(r => r.Scope.IsVisibleTo(scope) && r.Timestamp >= since && (typeSet is null || typeSet.Contains(r.Type)))
            .OrderByDescending(r => r.Timestamp)
            .ThenBy(r => r.Id, StringComparer.Ordinal)
            .Take(limit)];
    }

    /// <summary>
    /// Finds every candidate that passes the query's filters and minimum relevance: the union of the vector and
    /// keyword indexes' best candidates, each with its relevance. What this returns depends only on the query and on
    /// the memories' content, embedding, type, importance, timestamp and metadata, never on access statistics or the
    /// clock, so it can be cached until one of those changes (see <see cref="ScopeVersions"/>).
    /// </summary>
    private CandidateSet Candidates(string text, ReadOnlyMemory<float> embedding, MemoryQuery query, IReadOnlyList<Vectors.VectorSearchResult>? vectorHits = null)
    {
        var types = TypeSet(query.Types);
        // Visibility is tested on the indexes' scope-id arrays; the per-memory predicate runs only for queries with
        // further filters, and only on visible candidates.
        var (visible, predicate, candidates) = ScanFilter(query, types);
        vectorHits ??= _vectors?.Search(embedding.Span, candidates, visible, predicate) ?? [];
        IReadOnlyList<SearchHit> keywordHits = _options.KeywordWeight > 0 ? _keywords.Search(text, candidates, visible, predicate) : [];

        var vw = _options.VectorWeight;
        var kw = _options.KeywordWeight;
        var relevance = new Dictionary<string, double>(StringComparer.Ordinal);
        if (_options.Fusion == RelevanceFusion.ReciprocalRank)
        {
            var fused = HybridFusion.ReciprocalRank([[.. vectorHits.Select(v => new SearchHit(v.Id, v.Score))], keywordHits], int.MaxValue, [vw, kw]);
            var best = (vw + kw) / (HybridFusion.DefaultRankConstant + 1);
            foreach (var hit in fused)
            {
                relevance[hit.Id] = hit.Score / best;
            }
        }
        else
        {
            var cosines = vectorHits.ToDictionary(v => v.Id, v => (double)v.Score, StringComparer.Ordinal);
            var keywordScores = keywordHits.ToDictionary(h => h.Id, h => h.Score, StringComparer.Ordinal);
            var bestKeyword = keywordHits.Count > 0 ? keywordHits[0].Score : 0;
            foreach (var id in cosines.Keys.Concat(keywordScores.Keys))
            {
                if (relevance.ContainsKey(id) || !_records.TryGetValue(id, out var stored))
                {
                    continue;
                }

                var cosine = cosines.TryGetValue(id, out var c) ? c : Cosine(embedding.Span, stored.Record.Embedding.Span);
                var keyword = bestKeyword > 0 && keywordScores.TryGetValue(id, out var k) ? k / bestKeyword : 0;
                relevance[id] = ((vw * Math.Max(0, cosine)) + (kw * keyword)) / (vw + kw);
            }
        }

        var bestRelevance = relevance.Count == 0 ? 0 : relevance.Values.Max();
        var ids = new List<string>(relevance.Count);
        var relevances = new List<double>(relevance.Count);
        foreach (var (id, rel) in relevance)
        {
            if (rel > 0 && rel >= query.MinRelevance && _records.ContainsKey(id))
            {
                ids.Add(id);
                relevances.Add(rel);
            }
        }

        return new CandidateSet([.. ids], [.. relevances], bestRelevance);
    }

    /// <summary>
    /// What the index scans filter on: the visible scope ids (tested on a contiguous array) and, only for queries with
    /// further filters, a per-memory predicate that runs on visible candidates; and how many candidates to take.
    /// </summary>
    private (bool[] Visible, Func<object?, bool>? Predicate, int Candidates) ScanFilter(MemoryQuery query, HashSet<MemoryType>? types)
    {
        var needsPredicate = types is not null || query.MinImportance > 0 || query.From is not null || query.To is not null || query.Filter is not null;
        Func<object?, bool>? predicate = needsPredicate ? tag => tag is MemoryCell { Current: { } s } && Passes(s.Record, query, types) : null;
        return (VisibleScopes(query.Scope), predicate, Math.Max(MinCandidates, query.Limit * _options.CandidateMultiplier));
    }

    /// <summary>Scores candidates by relevance, recency and importance from the memories as they are now. Best first.</summary>
    private List<MemorySearchResult> ScoreAll(CandidateSet candidates, DateTimeOffset now)
    {
        var results = new List<MemorySearchResult>(candidates.Ids.Length);
        for (var i = 0; i < candidates.Ids.Length; i++)
        {
            if (_records.TryGetValue(candidates.Ids[i], out var stored))
            {
                results.Add(Score(stored.Record, candidates.Relevance[i], now, candidates.BestRelevance));
            }
        }

        results.Sort(ByScore);
        return results;
    }

    /// <summary>
    /// The Generative Agents score: a weighted mean of relevance, recency and importance. Relevance enters scaled by
    /// the best relevance among the candidates (as Generative Agents normalizes it), so the best match always
    /// contributes the full relevance weight whatever the embedder's similarity range; the result reports it unscaled.
    /// </summary>
    private MemorySearchResult Score(MemoryRecord record, double relevance, DateTimeOffset now, double bestRelevance)
    {
        var hours = Math.Max(0, (now - (record.LastAccessedAt ?? record.Timestamp)).TotalHours);
        var recency = Math.Pow(_options.RecencyDecayPerHour, hours);
        var (wr, wt, wi) = (_options.RelevanceWeight, _options.RecencyWeight, _options.ImportanceWeight);
        var scaled = bestRelevance > 0 ? relevance / bestRelevance : 0;
        var score = ((wr * scaled) + (wt * recency) + (wi * record.Importance)) / (wr + wt + wi);
        return new MemorySearchResult(record, score, relevance, recency, record.Importance);
    }

    /// <summary>Counts the results as accessed: access count + 1, last access = now. Serialized with other writes.</summary>
    private async ValueTask TouchAsync(IReadOnlyList<MemorySearchResult> results, CancellationToken cancellationToken)
    {
        if (results.Count == 0)
        {
            return;
        }

        var now = _time.GetUtcNow();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var result in results)
            {
                if (_records.TryGetValue(result.Memory.Id, out var current))
                {
                    var touched = current with { Record = With(current.Record, accessCount: current.Record.AccessCount + 1, lastAccessedAt: now) };
                    await PutAsync(touched, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private static bool Passes(MemoryRecord r, MemoryQuery q, HashSet<MemoryType>? types) =>
        r.Scope.IsVisibleTo(q.Scope)
        && (types is null || types.Contains(r.Type))
        && r.Importance >= q.MinImportance
        && (q.From is not { } from || r.Timestamp >= from)
        && (q.To is not { } to || r.Timestamp < to)
        && (q.Filter is null || q.Filter.Matches(r.Metadata));

    private static HashSet<MemoryType>? TypeSet(IReadOnlyCollection<MemoryType>? types) => types is { Count: > 0 } ? [.. types] : null;

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        a.Length == b.Length && a.Length > 0 ? TensorPrimitives.CosineSimilarity(a, b) : 0;

    private static int ByScore(MemorySearchResult a, MemorySearchResult b)
    {
        var byScore = b.Score.CompareTo(a.Score);
        return byScore != 0 ? byScore : string.CompareOrdinal(a.Memory.Id, b.Memory.Id);
    }

    private static void ValidateQuery(MemoryQuery query, bool checkText)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(query.Scope, nameof(query));
        if (checkText && string.IsNullOrWhiteSpace(query.Text))
        {
            throw new ArgumentException("The query text must not be null, empty or whitespace.", nameof(query));
        }

        if (query.Limit < 1)
        {
            throw new ArgumentException($"The query limit must be at least 1 (was {query.Limit}).", nameof(query));
        }

        if (!(query.MinRelevance is >= 0 and <= 1) || !(query.MinImportance is >= 0 and <= 1))
        {
            throw new ArgumentException($"MinRelevance and MinImportance must be between 0 and 1 (were {query.MinRelevance} and {query.MinImportance}).", nameof(query));
        }

        if (query.From is { } from && query.To is { } to && from > to)
        {
            throw new ArgumentException($"The time window starts ({from:O}) after it ends ({to:O}).", nameof(query));
        }
    }
}
