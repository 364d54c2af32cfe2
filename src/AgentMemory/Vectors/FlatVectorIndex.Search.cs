namespace AgentMemory.Vectors;

/// <summary>The search half of <see cref="FlatVectorIndex"/>: single and batched queries, serial and parallel scans.</summary>
public sealed partial class FlatVectorIndex
{
    /// <summary>Finds the <paramref name="k"/> stored vectors closest to <paramref name="query"/>.</summary>
    /// <param name="query">The query vector.</param>
    /// <param name="k">The most results to return; at least 1.</param>
    /// <param name="filter">Only vectors whose metadata passes this filter are considered; null for all.</param>
    /// <returns>Up to <paramref name="k"/> results, closest first, equal scores by ordinal id.</returns>
    /// <exception cref="ArgumentException">The query's length is not <see cref="Dimensions"/>, a component is NaN or infinite, or it is a zero vector under <see cref="VectorMetric.Cosine"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is less than 1.</exception>
    /// <exception cref="ObjectDisposedException">The index is disposed.</exception>
    public IReadOnlyList<VectorSearchResult> Search(ReadOnlySpan<float> query, int k, MetadataFilter? filter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var inverseNorms = new[] { ValidateVector(query, nameof(query)) };
        return Run(query.ToArray(), inverseNorms, 1, k, filter, null, null)[0];
    }

    /// <summary>Finds the <paramref name="k"/> stored vectors closest to <paramref name="query"/> among those whose id passes <paramref name="idFilter"/>.</summary>
    /// <param name="query">The query vector.</param>
    /// <param name="k">The most results to return; at least 1.</param>
    /// <param name="idFilter">Only vectors whose id passes are considered. Called during the scan under the index's read lock (from several threads in a parallel scan): it must be thread-safe and must not write to the index.</param>
    /// <returns>Up to <paramref name="k"/> results, closest first, equal scores by ordinal id.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="idFilter"/> is null.</exception>
    /// <exception cref="ArgumentException">The query's length is not <see cref="Dimensions"/>, a component is NaN or infinite, or it is a zero vector under <see cref="VectorMetric.Cosine"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is less than 1.</exception>
    /// <exception cref="ObjectDisposedException">The index is disposed.</exception>
    public IReadOnlyList<VectorSearchResult> Search(ReadOnlySpan<float> query, int k, Func<string, bool> idFilter)
    {
        ArgumentNullException.ThrowIfNull(idFilter);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var inverseNorms = new[] { ValidateVector(query, nameof(query)) };
        return Run(query.ToArray(), inverseNorms, 1, k, null, idFilter, null)[0];
    }

    /// <summary>
    /// Searches the vectors whose partition is set in <paramref name="partitions"/> (a partition at or past its end is
    /// excluded) and, when <paramref name="tagFilter"/> is given, whose tag passes it. The partition test reads one
    /// contiguous array, so it is cheap even when most vectors are excluded.
    /// </summary>
    internal IReadOnlyList<VectorSearchResult> Search(ReadOnlySpan<float> query, int k, bool[] partitions, Func<object?, bool>? tagFilter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var inverseNorms = new[] { ValidateVector(query, nameof(query)) };
        return Run(query.ToArray(), inverseNorms, 1, k, null, null, new SlotFilter(partitions, tagFilter))[0];
    }

    /// <summary>The partition-and-tag search for several queries in one pass over the stored vectors.</summary>
    internal IReadOnlyList<IReadOnlyList<VectorSearchResult>> SearchBatch(IReadOnlyList<ReadOnlyMemory<float>> queries, int k, bool[] partitions, Func<object?, bool>? tagFilter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var flat = new float[checked(queries.Count * Dimensions)];
        var inverseNorms = new float[queries.Count];
        for (var q = 0; q < queries.Count; q++)
        {
            inverseNorms[q] = ValidateVector(queries[q].Span, nameof(queries));
            queries[q].Span.CopyTo(flat.AsSpan(q * Dimensions));
        }

        return queries.Count == 0 ? [] : Run(flat, inverseNorms, queries.Count, k, null, null, new SlotFilter(partitions, tagFilter));
    }

    /// <summary>The internal per-slot filter: a partition mask, then an optional tag predicate.</summary>
    internal sealed record SlotFilter(bool[] Partitions, Func<object?, bool>? Tag);

    /// <summary>
    /// Finds the <paramref name="k"/> closest vectors for each of several queries in one pass over the stored vectors:
    /// each stored vector is loaded from memory once and scored against every query, which is cheaper per query than
    /// separate searches when the index is larger than the CPU caches.
    /// </summary>
    /// <param name="queries">The query vectors.</param>
    /// <param name="k">The most results per query; at least 1.</param>
    /// <param name="filter">Only vectors whose metadata passes this filter are considered; null for all.</param>
    /// <returns>One result list per query, in the order of <paramref name="queries"/>, each as <see cref="Search(ReadOnlySpan{float}, int, MetadataFilter?)"/> returns it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="queries"/> is null.</exception>
    /// <exception cref="ArgumentException">A query's length is not <see cref="Dimensions"/>, a component is NaN or infinite, or it is a zero vector under <see cref="VectorMetric.Cosine"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is less than 1.</exception>
    /// <exception cref="ObjectDisposedException">The index is disposed.</exception>
    public IReadOnlyList<IReadOnlyList<VectorSearchResult>> SearchBatch(IReadOnlyList<ReadOnlyMemory<float>> queries, int k, MetadataFilter? filter = null)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (queries.Count == 0)
        {
            return [];
        }

        var flat = new float[checked(queries.Count * Dimensions)];
        var inverseNorms = new float[queries.Count];
        for (var q = 0; q < queries.Count; q++)
        {
            inverseNorms[q] = ValidateVector(queries[q].Span, nameof(queries));
            queries[q].Span.CopyTo(flat.AsSpan(q * Dimensions));
        }

        return Run(flat, inverseNorms, queries.Count, k, filter, null, null);
    }

    private IReadOnlyList<VectorSearchResult>[] Run(float[] queries, float[] inverseNorms, int queryCount, int k, MetadataFilter? filter, Func<string, bool>? idFilter, SlotFilter? tagFilter)
    {
        _lock.EnterReadLock();
        try
        {
            return Metric switch
            {
                VectorMetric.Cosine => Run<CosineScorer>(queries, inverseNorms, queryCount, k, filter, idFilter, tagFilter),
                VectorMetric.DotProduct => Run<DotProductScorer>(queries, inverseNorms, queryCount, k, filter, idFilter, tagFilter),
                _ => Run<EuclideanScorer>(queries, inverseNorms, queryCount, k, filter, idFilter, tagFilter),
            };
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Runs under the read lock: the arrays cannot be replaced or written while it scans.</summary>
    private IReadOnlyList<VectorSearchResult>[] Run<TScorer>(float[] queries, float[] inverseNorms, int queryCount, int k, MetadataFilter? filter, Func<string, bool>? idFilter, SlotFilter? tagFilter)
        where TScorer : struct, IVectorScorer
    {
        var heaps = NewHeaps(queryCount, Math.Min(k, Math.Max(1, _slotsById.Count)));
        var end = _highWater;
        var partitions = Math.Min(_maxDegreeOfParallelism, Environment.ProcessorCount);
        if (_slotsById.Count >= _parallelThreshold && partitions > 1 && end >= partitions)
        {
            var chunk = (end + partitions - 1) / partitions;
            var partial = new TopK[partitions][];
            Parallel.For(0, partitions, new ParallelOptions { MaxDegreeOfParallelism = partitions }, p =>
            {
                var local = NewHeaps(queryCount, heaps[0].Capacity);
                ScanRange<TScorer>(queries, inverseNorms, queryCount, p * chunk, Math.Min(end, (p + 1) * chunk), filter, idFilter, tagFilter, local);
                partial[p] = local;
            });
            foreach (var local in partial)
            {
                for (var q = 0; q < queryCount; q++)
                {
                    local[q].MergeInto(heaps[q]);
                }
            }
        }
        else
        {
            ScanRange<TScorer>(queries, inverseNorms, queryCount, 0, end, filter, idFilter, tagFilter, heaps);
        }

        var results = new IReadOnlyList<VectorSearchResult>[queryCount];
        for (var q = 0; q < queryCount; q++)
        {
            var sorted = heaps[q].ToSortedArray();
            var list = new VectorSearchResult[sorted.Length];
            for (var i = 0; i < sorted.Length; i++)
            {
                var (key, slot) = sorted[i];
                list[i] = new VectorSearchResult(_ids[slot]!, TScorer.Key(key), _metadata[slot]);
            }

            results[q] = list;
        }

        return results;
    }

    private TopK[] NewHeaps(int queryCount, int k)
    {
        var heaps = new TopK[queryCount];
        for (var q = 0; q < queryCount; q++)
        {
            heaps[q] = new TopK(k, _ids);
        }

        return heaps;
    }

    private void ScanRange<TScorer>(float[] queries, float[] inverseNorms, int queryCount, int start, int end, MetadataFilter? filter, Func<string, bool>? idFilter, SlotFilter? tagFilter, TopK[] heaps)
        where TScorer : struct, IVectorScorer
    {
        var data = _data;
        var ids = _ids;
        var norms = _inverseNorms;
        var metadata = _metadata;
        var tags = _tags;
        var partitions = _partitions;
        var mask = tagFilter?.Partitions;
        var tagPredicate = tagFilter?.Tag;
        var dims = Dimensions;
        if (queryCount == 1)
        {
            var query = queries.AsSpan(0, dims);
            var queryNorm = inverseNorms[0];
            var heap = heaps[0];
            for (var slot = start; slot < end; slot++)
            {
                if (ids[slot] is not { } id
                    || (mask is not null && ((uint)partitions[slot] >= (uint)mask.Length || !mask[partitions[slot]]))
                    || (filter is not null && !filter.Matches(metadata[slot]))
                    || (idFilter is not null && !idFilter(id))
                    || (tagPredicate is not null && !tagPredicate(tags[slot])))
                {
                    continue;
                }

                var score = TScorer.Score(query, queryNorm, data.AsSpan(slot * dims, dims), norms[slot]);
                heap.Offer(TScorer.Key(score), slot);
            }

            return;
        }

        for (var slot = start; slot < end; slot++)
        {
            if (ids[slot] is not { } id
                    || (mask is not null && ((uint)partitions[slot] >= (uint)mask.Length || !mask[partitions[slot]]))
                    || (filter is not null && !filter.Matches(metadata[slot]))
                    || (idFilter is not null && !idFilter(id))
                    || (tagPredicate is not null && !tagPredicate(tags[slot])))
            {
                continue;
            }

            var row = data.AsSpan(slot * dims, dims);
            var rowNorm = norms[slot];
            for (var q = 0; q < queryCount; q++)
            {
                var score = TScorer.Score(queries.AsSpan(q * dims, dims), inverseNorms[q], row, rowNorm);
                heaps[q].Offer(TScorer.Key(score), slot);
            }
        }
    }
}
