using System.Buffers;
using AgentMemory.Vectors;

namespace AgentMemory.Search;

/// <summary>
/// An in-memory inverted index ranked with Okapi BM25: documents are tokenized by a <see cref="TextTokenizer"/>,
/// added, replaced and removed incrementally, and a query scores only the documents that share a term with it.
/// </summary>
/// <remarks>
/// <para>
/// Scores use <c>idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5))</c> and
/// <c>tf * (k1 + 1) / (tf + k1 * (1 - b + b * |d| / avgdl))</c>, summed over the distinct query terms. Equal scores
/// are ordered by ordinal id.
/// </para>
/// <para>
/// Thread-safe: searches run concurrently; a write waits for running searches and blocks new ones while it changes
/// the index. Dispose the index to release its lock.
/// </para>
/// </remarks>
public sealed class Bm25Index : IDisposable
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<string, Dictionary<int, int>> _postings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _slotsById = new(StringComparer.Ordinal);
    private readonly Stack<int> _freeSlots = new();
    private readonly TextTokenizer _tokenizer;
    private readonly double _k1;
    private readonly double _b;
    private string?[] _ids = new string?[64];
    private Dictionary<string, int>?[] _termCounts = new Dictionary<string, int>?[64];
    private int[] _lengths = new int[64];
    private object?[] _tags = new object?[64];
    private int[] _partitions = new int[64];
    private int _highWater;
    private long _totalLength;

    /// <summary>Creates an empty index.</summary>
    /// <param name="options">BM25 parameters and stop words, copied now; null for the defaults.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public Bm25Index(Bm25Options? options = null)
    {
        options ??= new Bm25Options();
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _k1 = options.K1;
        _b = options.B;
        _tokenizer = new TextTokenizer(options.StopWords, options.Stemming);
    }

    /// <summary>The tokenizer documents and queries go through.</summary>
    public TextTokenizer Tokenizer => _tokenizer;

    /// <summary>How many documents the index holds.</summary>
    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _slotsById.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Adds a document, or replaces the text of the document with the same id.</summary>
    /// <param name="id">The document id.</param>
    /// <param name="text">The text to index.</param>
    /// <returns><see langword="true"/> if the id was new.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> or <paramref name="text"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The index is disposed.</exception>
    public bool Upsert(string id, string text) => Upsert(id, text, null, 0);

    /// <summary>Upserts with an opaque tag and a small partition number that the internal search filters on (no id lookup per candidate).</summary>
    internal bool Upsert(string id, string text, object? tag, int partition)
    {
        ArgumentNullException.ThrowIfNull(id);
        var terms = _tokenizer.Tokenize(text);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var term in terms)
        {
            counts[term] = counts.GetValueOrDefault(term) + 1;
        }

        _lock.EnterWriteLock();
        try
        {
            var isNew = !_slotsById.TryGetValue(id, out var slot);
            if (isNew)
            {
                slot = TakeSlot();
                _slotsById.Add(id, slot);
                _ids[slot] = id;
            }
            else
            {
                Unpost(slot);
            }

            foreach (var (term, count) in counts)
            {
                if (!_postings.TryGetValue(term, out var posting))
                {
                    _postings[term] = posting = [];
                }

                posting[slot] = count;
            }

            _termCounts[slot] = counts;
            _tags[slot] = tag;
            _partitions[slot] = partition;
            _lengths[slot] = terms.Count;
            _totalLength += terms.Count;
            return isNew;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Removes a document.</summary>
    /// <param name="id">The document id.</param>
    /// <returns><see langword="true"/> if it was present.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The index is disposed.</exception>
    public bool Remove(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        _lock.EnterWriteLock();
        try
        {
            if (!_slotsById.Remove(id, out var slot))
            {
                return false;
            }

            Unpost(slot);
            _ids[slot] = null;
            _termCounts[slot] = null;
            _tags[slot] = null;
            _freeSlots.Push(slot);
            return true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Tells whether a document is indexed under <paramref name="id"/>.</summary>
    /// <param name="id">The id.</param>
    /// <returns><see langword="true"/> if present.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The index is disposed.</exception>
    public bool Contains(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        _lock.EnterReadLock();
        try
        {
            return _slotsById.ContainsKey(id);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Finds the <paramref name="k"/> documents that best match <paramref name="query"/>.</summary>
    /// <param name="query">The query text; tokenized like documents.</param>
    /// <param name="k">The most results; at least 1.</param>
    /// <param name="filter">Only documents whose id passes are returned; null for all. Called under the index's read lock: it must not call back into the index.</param>
    /// <returns>Up to <paramref name="k"/> hits with a positive score, best first, equal scores by ordinal id.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is less than 1.</exception>
    /// <exception cref="ObjectDisposedException">The index is disposed.</exception>
    public IReadOnlyList<SearchHit> Search(string query, int k, Func<string, bool>? filter = null) => Search(query, k, filter, null, null);

    /// <summary>
    /// Like <see cref="Search(string, int, Func{string, bool}?)"/>, over the documents whose partition is set in
    /// <paramref name="partitions"/> and whose tag passes <paramref name="tagFilter"/> (when given).
    /// </summary>
    internal IReadOnlyList<SearchHit> Search(string query, int k, bool[] partitions, Func<object?, bool>? tagFilter) => Search(query, k, null, partitions, tagFilter);

    private IReadOnlyList<SearchHit> Search(string query, int k, Func<string, bool>? filter, bool[]? partitions, Func<object?, bool>? tagFilter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var terms = _tokenizer.Tokenize(query).Distinct(StringComparer.Ordinal).ToArray();
        if (terms.Length == 0)
        {
            return [];
        }

        _lock.EnterReadLock();
        float[]? scores = null;
        int[]? touched = null;
        var touchedCount = 0;
        try
        {
            var n = _slotsById.Count;
            if (n == 0)
            {
                return [];
            }

            // Pooled scratch: a query touching every document must not allocate (large arrays would land on the
            // large-object heap and cost full collections under load).
            scores = ArrayPool<float>.Shared.Rent(_highWater);
            Array.Clear(scores, 0, _highWater);
            touched = ArrayPool<int>.Shared.Rent(_highWater);
            var averageLength = Math.Max(1e-9, (double)_totalLength / n);

            // Terms in order of falling IDF. A term's contribution to any document is below IDF x (k1 + 1), so once
            // the k-th best partial score exceeds what all remaining terms together could add, no document those
            // terms alone would bring in can reach the top k (MaxScore pruning): the remaining terms then only add to
            // documents already touched. Scores of touched documents are complete, so results are exact.
            var plan = new (Dictionary<int, int> Posting, double Idf)[terms.Length];
            var planned = 0;
            foreach (var term in terms)
            {
                if (_postings.TryGetValue(term, out var posting))
                {
                    var df = posting.Count;
                    plan[planned++] = (posting, Math.Log(1 + ((n - df + 0.5) / (df + 0.5))));
                }
            }

            Array.Sort(plan, 0, planned, PlanOrder.Instance);
            var remainingBound = new double[planned + 1];
            for (var i = planned - 1; i >= 0; i--)
            {
                remainingBound[i] = remainingBound[i + 1] + (plan[i].Idf * (_k1 + 1));
            }

            var restricted = false;
            for (var i = 0; i < planned; i++)
            {
                var (posting, idf) = plan[i];
                if (!restricted || posting.Count <= touchedCount)
                {
                    foreach (var (slot, tf) in posting)
                    {
                        if ((restricted && scores[slot] == 0f)
                            || (partitions is not null && ((uint)_partitions[slot] >= (uint)partitions.Length || !partitions[_partitions[slot]])))
                        {
                            continue;
                        }

                        var norm = _k1 * (1 - _b + (_b * _lengths[slot] / averageLength));
                        var add = (float)(idf * tf * (_k1 + 1) / (tf + norm));
                        if (scores[slot] == 0f)
                        {
                            touched[touchedCount++] = slot;
                        }

                        scores[slot] += add;
                    }
                }
                else
                {
                    for (var t = 0; t < touchedCount; t++)
                    {
                        var slot = touched[t];
                        if (posting.TryGetValue(slot, out var tf))
                        {
                            var norm = _k1 * (1 - _b + (_b * _lengths[slot] / averageLength));
                            scores[slot] += (float)(idf * tf * (_k1 + 1) / (tf + norm));
                        }
                    }
                }

                if (!restricted && Pruning && filter is null && tagFilter is null && i + 1 < planned && touchedCount >= k
                    && remainingBound[i + 1] * (1 + 1e-5) < KthLargest(scores, touched, touchedCount, k))
                {
                    restricted = true;
                    Interlocked.Increment(ref _prunedSearches);
                }
            }

            var heap = new TopK(Math.Min(k, Math.Max(1, touchedCount)), _ids);
            for (var t = 0; t < touchedCount; t++)
            {
                var slot = touched[t];
                if (scores[slot] > 0f && (filter is null || filter(_ids[slot]!)) && (tagFilter is null || tagFilter(_tags[slot])))
                {
                    heap.Offer(scores[slot], slot);
                }
            }

            var sorted = heap.ToSortedArray();
            var hits = new SearchHit[sorted.Length];
            for (var i = 0; i < sorted.Length; i++)
            {
                hits[i] = new SearchHit(_ids[sorted[i].Slot]!, sorted[i].Key);
            }

            return hits;
        }
        finally
        {
            if (scores is not null)
            {
                ArrayPool<float>.Shared.Return(scores);
            }

            if (touched is not null)
            {
                ArrayPool<int>.Shared.Return(touched);
            }

            _lock.ExitReadLock();
        }
    }

    /// <summary>Releases the index's lock.</summary>
    public void Dispose() => _lock.Dispose();

    private long _prunedSearches;

    /// <summary>Whether searches skip documents that provably cannot reach the top k (on by default; tests turn it off to compare).</summary>
    internal bool Pruning { get; set; } = true;

    /// <summary>How many searches stopped adding new documents early (for tests and diagnostics).</summary>
    internal long PrunedSearches => Interlocked.Read(ref _prunedSearches);

    /// <summary>The k-th largest partial score among the touched documents (k &lt;= count), by a size-k min-heap.</summary>
    private static float KthLargest(float[] scores, int[] touched, int count, int k)
    {
        var heap = ArrayPool<float>.Shared.Rent(k);
        try
        {
            var size = 0;
            for (var t = 0; t < count; t++)
            {
                var value = scores[touched[t]];
                if (size < k)
                {
                    var i = size++;
                    while (i > 0 && heap[(i - 1) / 2] > value)
                    {
                        heap[i] = heap[(i - 1) / 2];
                        i = (i - 1) / 2;
                    }

                    heap[i] = value;
                }
                else if (value > heap[0])
                {
                    var i = 0;
                    while (true)
                    {
                        var child = (2 * i) + 1;
                        if (child >= size)
                        {
                            break;
                        }

                        if (child + 1 < size && heap[child + 1] < heap[child])
                        {
                            child++;
                        }

                        if (heap[child] >= value)
                        {
                            break;
                        }

                        heap[i] = heap[child];
                        i = child;
                    }

                    heap[i] = value;
                }
            }

            return heap[0];
        }
        finally
        {
            ArrayPool<float>.Shared.Return(heap);
        }
    }

    /// <summary>Falling IDF (ties: larger posting first, which is the same IDF; the order only affects speed, never results beyond float rounding).</summary>
    private sealed class PlanOrder : IComparer<(Dictionary<int, int> Posting, double Idf)>
    {
        public static readonly PlanOrder Instance = new();

        public int Compare((Dictionary<int, int> Posting, double Idf) x, (Dictionary<int, int> Posting, double Idf) y) => y.Idf.CompareTo(x.Idf);
    }

    private void Unpost(int slot)
    {
        var counts = _termCounts[slot]!;
        foreach (var term in counts.Keys)
        {
            var posting = _postings[term];
            posting.Remove(slot);
            if (posting.Count == 0)
            {
                _postings.Remove(term);
            }
        }

        _totalLength -= _lengths[slot];
        _lengths[slot] = 0;
    }

    private int TakeSlot()
    {
        if (_freeSlots.TryPop(out var slot))
        {
            return slot;
        }

        if (_highWater == _ids.Length)
        {
            var capacity = _ids.Length * 2;
            Array.Resize(ref _ids, capacity);
            Array.Resize(ref _termCounts, capacity);
            Array.Resize(ref _lengths, capacity);
            Array.Resize(ref _tags, capacity);
            Array.Resize(ref _partitions, capacity);
        }

        return _highWater++;
    }
}
