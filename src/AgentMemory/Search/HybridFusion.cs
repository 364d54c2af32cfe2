namespace AgentMemory.Search;

/// <summary>
/// Combines several rankings of the same items (for example keyword and vector results) into one:
/// reciprocal-rank fusion, optionally weighted, and weighted fusion of min-max-normalized scores.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class HybridFusion
{
    /// <summary>The rank constant of reciprocal-rank fusion suggested by Cormack et al. (2009).</summary>
    public const int DefaultRankConstant = 60;

    /// <summary>
    /// Reciprocal-rank fusion: an item scores <c>sum(weight_i / (rankConstant + rank_i))</c> over the rankings it
    /// appears in (rank 1 is the best). Only ranks matter, so rankings with incomparable scores fuse fairly.
    /// </summary>
    /// <param name="rankings">The rankings, each best first.</param>
    /// <param name="limit">The most items to return; at least 1.</param>
    /// <param name="weights">One non-negative weight per ranking; null weighs every ranking 1.</param>
    /// <param name="rankConstant">Damps the advantage of top ranks; at least 0. Defaults to <see cref="DefaultRankConstant"/>.</param>
    /// <returns>The fused ranking, best first, equal scores by ordinal id.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rankings"/> is null.</exception>
    /// <exception cref="ArgumentException">The weights do not match the rankings in number, or one is negative or not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is less than 1 or <paramref name="rankConstant"/> is negative.</exception>
    public static IReadOnlyList<SearchHit> ReciprocalRank(IReadOnlyList<IReadOnlyList<SearchHit>> rankings, int limit, IReadOnlyList<double>? weights = null, int rankConstant = DefaultRankConstant)
    {
        ArgumentNullException.ThrowIfNull(rankings);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(rankConstant);
        CheckWeights(rankings.Count, weights);
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var r = 0; r < rankings.Count; r++)
        {
            var weight = weights?[r] ?? 1.0;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var ranking = rankings[r];
            for (var i = 0; i < ranking.Count; i++)
            {
                if (seen.Add(ranking[i].Id))
                {
                    scores[ranking[i].Id] = scores.GetValueOrDefault(ranking[i].Id) + (weight / (rankConstant + seen.Count));
                }
            }
        }

        return Top(scores, limit);
    }

    /// <summary>
    /// Weighted score fusion: each ranking's scores are min-max normalized to [0, 1] (all equal scores become 1), then
    /// an item scores <c>sum(weight_i * normalized_i)</c>; an item missing from a ranking gets 0 from it.
    /// </summary>
    /// <param name="rankings">The rankings with their scores (higher is better).</param>
    /// <param name="weights">One non-negative weight per ranking.</param>
    /// <param name="limit">The most items to return; at least 1.</param>
    /// <returns>The fused ranking, best first, equal scores by ordinal id.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rankings"/> or <paramref name="weights"/> is null.</exception>
    /// <exception cref="ArgumentException">The weights do not match the rankings in number, or one is negative or not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is less than 1.</exception>
    public static IReadOnlyList<SearchHit> WeightedScore(IReadOnlyList<IReadOnlyList<SearchHit>> rankings, IReadOnlyList<double> weights, int limit)
    {
        ArgumentNullException.ThrowIfNull(rankings);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        CheckWeights(rankings.Count, weights);
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var r = 0; r < rankings.Count; r++)
        {
            var ranking = rankings[r];
            if (ranking.Count == 0)
            {
                continue;
            }

            var min = ranking.Min(h => h.Score);
            var max = ranking.Max(h => h.Score);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var hit in ranking)
            {
                if (seen.Add(hit.Id))
                {
                    var normalized = max > min ? (hit.Score - min) / (max - min) : 1.0;
                    scores[hit.Id] = scores.GetValueOrDefault(hit.Id) + (weights[r] * normalized);
                }
            }
        }

        return Top(scores, limit);
    }

    private static void CheckWeights(int rankings, IReadOnlyList<double>? weights)
    {
        if (weights is null)
        {
            return;
        }

        if (weights.Count != rankings)
        {
            throw new ArgumentException($"There are {weights.Count} weights for {rankings} rankings; give one weight per ranking.", nameof(weights));
        }

        foreach (var weight in weights)
        {
            if (!(weight >= 0) || double.IsInfinity(weight))
            {
                throw new ArgumentException($"A fusion weight must be a finite number of at least 0 (was {weight}).", nameof(weights));
            }
        }
    }

    private static SearchHit[] Top(Dictionary<string, double> scores, int limit) =>
        [.. scores
            .OrderByDescending(p => p.Value)
            .ThenBy(p => p.Key, StringComparer.Ordinal)
            .Take(limit)
            .Select(p => new SearchHit(p.Key, p.Value))];
}
