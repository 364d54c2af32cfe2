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
            foreach (var term in terms)
            {
                if (!_postings.TryGetValue(term, out var posting))
                {
                    continue;
                }

                var df = posting.Count;
                var idf = Math.Log(1 + ((n - df + 0.5) / (df + 0.5)));
                foreach (var (slot, tf) in posting)
                {
                    if (partitions is not null && ((uint)_partitions[slot] >= (uint)partitions.Length || !partitions[_partitions[slot]]))
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
