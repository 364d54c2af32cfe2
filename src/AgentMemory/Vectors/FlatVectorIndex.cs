using System.Collections.ObjectModel;
using System.Numerics.Tensors;

namespace AgentMemory.Vectors;

/// <summary>
/// An exact (brute-force) vector index: vectors live in one contiguous <see cref="float"/> array and a search scores
/// every stored vector with SIMD (<see cref="TensorPrimitives"/>), keeping the best <c>k</c> in a bounded heap.
/// Metadata filters are applied during the scan. Supports add, upsert and remove (freed slots are reused), batched
/// queries that score several queries per pass over memory, a parallel scan for large indexes, and snapshots that
/// reload exactly.
/// </summary>
/// <remarks>
/// <para>
/// Thread-safe: any number of searches run concurrently; a write (add, upsert, remove, clear) waits for running
/// searches and blocks new ones while it changes the storage, so a search never sees a half-written vector.
/// </para>
/// <para>
/// Every vector is checked: its length must equal <see cref="Dimensions"/> and every component must be finite. For
/// <see cref="VectorMetric.Cosine"/> a zero vector is rejected, because it has no direction. Results are ordered
/// closest first; equal scores are ordered by ordinal id, so results are deterministic.
/// </para>
/// <para>Dispose the index to release its lock; a disposed index throws <see cref="ObjectDisposedException"/>.</para>
/// </remarks>
public sealed partial class FlatVectorIndex : IDisposable
{
    private static readonly IReadOnlyDictionary<string, MetadataValue> NoMetadata =
        new ReadOnlyDictionary<string, MetadataValue>(new Dictionary<string, MetadataValue>());

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<string, int> _slotsById = new(StringComparer.Ordinal);
    private readonly Stack<int> _freeSlots = new();
    private readonly int _parallelThreshold;
    private readonly int _maxDegreeOfParallelism;
    private float[] _data;
    private float[] _inverseNorms;
    private string?[] _ids;
    private IReadOnlyDictionary<string, MetadataValue>[] _metadata;
    private object?[] _tags;
    private int[] _partitions;
    private int _highWater;

    /// <summary>Creates an empty index.</summary>
    /// <param name="dimensions">The length of every vector; at least 1.</param>
    /// <param name="metric">How closeness is measured.</param>
    /// <param name="options">Capacity and parallelism settings, copied now; null for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimensions"/> is less than 1, or <paramref name="metric"/> is not defined.</exception>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public FlatVectorIndex(int dimensions, VectorMetric metric = VectorMetric.Cosine, FlatVectorIndexOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        if (!Enum.IsDefined(metric))
        {
            throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown vector metric.");
        }

        options ??= new FlatVectorIndexOptions();
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        Dimensions = dimensions;
        Metric = metric;
        _parallelThreshold = options.ParallelThreshold;
        _maxDegreeOfParallelism = options.MaxDegreeOfParallelism;
        var capacity = options.InitialCapacity;
        _data = new float[checked(capacity * dimensions)];
        _inverseNorms = new float[capacity];
        _ids = new string?[capacity];
        _metadata = new IReadOnlyDictionary<string, MetadataValue>[capacity];
        _tags = new object?[capacity];
        _partitions = new int[capacity];
    }

    /// <summary>The length of every vector in the index.</summary>
    public int Dimensions { get; }

    /// <summary>How closeness is measured.</summary>
    public VectorMetric Metric { get; }

    /// <summary>How many vectors the index holds.</summary>
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

    /// <summary>Adds a vector under a new id.</summary>
    /// <param name="id">The id; must not be in the index yet.</param>
    /// <param name="vector">The vector; copied.</param>
    /// <param name="metadata">Metadata to keep with the vector and filter on; copied. Null for none.</param>
    /// <returns><see langword="true"/> if added; <see langword="false"/> if the id was already present (nothing changes).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> is null.</exception>
    /// <exception cref="ArgumentException">The vector's length is not <see cref="Dimensions"/>, a component is NaN or infinite, or it is a zero vector under <see cref="VectorMetric.Cosine"/>.</exception>
    /// <exception cref="ObjectDisposedException">The index is disposed.</exception>
    public bool Add(string id, ReadOnlySpan<float> vector, IReadOnlyDictionary<string, MetadataValue>? metadata = null) =>
        Write(id, vector, metadata, overwrite: false);

    /// <summary>Adds a vector, or replaces the vector and metadata stored under <paramref name="id"/> in place.</summary>
    /// <param name="id">The id.</param>
    /// <param name="vector">The vector; copied.</param>
    /// <param name="metadata">Metadata to keep with the vector; copied. Null for none.</param>
    /// <returns><see langword="true"/> if the id was new; <see langword="false"/> if an existing entry was replaced.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> is null.</exception>
    /// <exception cref="ArgumentException">The vector's length is not <see cref="Dimensions"/>, a component is NaN or infinite, or it is a zero vector under <see cref="VectorMetric.Cosine"/>.</exception>
    /// <exception cref="ObjectDisposedException">The index is disposed.</exception>
    public bool Upsert(string id, ReadOnlySpan<float> vector, IReadOnlyDictionary<string, MetadataValue>? metadata = null) =>
        Write(id, vector, metadata, overwrite: true);

    /// <summary>
    /// Upserts with an opaque tag that the internal partition-and-tag search hands to its
    /// filter, so a caller can filter on its own per-vector state without an id lookup per candidate.
    /// </summary>
    /// <remarks>The partition is a small non-negative number the tagged search can filter on from a contiguous array, before touching the tag.</remarks>
    internal bool Upsert(string id, ReadOnlySpan<float> vector, object tag, int partition) => Write(id, vector, null, overwrite: true, tag, partition);

    /// <summary>Removes the vector stored under <paramref name="id"/>; its slot is reused by a later add.</summary>
    /// <param name="id">The id.</param>
    /// <returns><see langword="true"/> if the id was present.</returns>
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

            _ids[slot] = null;
            _metadata[slot] = null!;
            _tags[slot] = null;
            _freeSlots.Push(slot);
            return true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Removes every vector.</summary>
    /// <exception cref="ObjectDisposedException">The index is disposed.</exception>
    public void Clear()
    {
        _lock.EnterWriteLock();
        try
        {
            _slotsById.Clear();
            _freeSlots.Clear();
            Array.Clear(_ids);
            Array.Clear(_metadata);
            Array.Clear(_tags);
            _highWater = 0;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Tells whether a vector is stored under <paramref name="id"/>.</summary>
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

    /// <summary>Reads a copy of the vector stored under <paramref name="id"/>.</summary>
    /// <param name="id">The id.</param>
    /// <returns>A fresh copy of the vector, or <see langword="null"/> if the id is not present.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The index is disposed.</exception>
    public float[]? GetVector(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        _lock.EnterReadLock();
        try
        {
            return _slotsById.TryGetValue(id, out var slot) ? Row(slot).ToArray() : null;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Reads the metadata stored under <paramref name="id"/>.</summary>
    /// <param name="id">The id.</param>
    /// <returns>The read-only metadata (empty when none), or <see langword="null"/> if the id is not present.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The index is disposed.</exception>
    public IReadOnlyDictionary<string, MetadataValue>? GetMetadata(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        _lock.EnterReadLock();
        try
        {
            return _slotsById.TryGetValue(id, out var slot) ? _metadata[slot] : null;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Lists the ids of every stored vector, in ordinal order.</summary>
    /// <returns>The ids.</returns>
    /// <exception cref="ObjectDisposedException">The index is disposed.</exception>
    public IReadOnlyList<string> GetIds()
    {
        _lock.EnterReadLock();
        string[] ids;
        try
        {
            ids = [.. _slotsById.Keys];
        }
        finally
        {
            _lock.ExitReadLock();
        }

        Array.Sort(ids, StringComparer.Ordinal);
        return ids;
    }

    /// <summary>Releases the index's lock.</summary>
    public void Dispose() => _lock.Dispose();

    /// <summary>The storage the scan reads (every slot up to the high-water mark), for benchmarks that measure the memory-bandwidth floor over the same bytes. Not synchronized.</summary>
    internal ReadOnlyMemory<float> RawStorage => _data.AsMemory(0, _highWater * Dimensions);

    private Span<float> Row(int slot) => _data.AsSpan(slot * Dimensions, Dimensions);

    private bool Write(string id, ReadOnlySpan<float> vector, IReadOnlyDictionary<string, MetadataValue>? metadata, bool overwrite, object? tag = null, int partition = 0)
    {
        ArgumentNullException.ThrowIfNull(id);
        var inverseNorm = ValidateVector(vector, nameof(vector));
        var copy = CopyMetadata(metadata);
        _lock.EnterWriteLock();
        try
        {
            var isNew = !_slotsById.TryGetValue(id, out var slot);
            if (!isNew && !overwrite)
            {
                return false;
            }

            if (isNew)
            {
                slot = TakeSlot();
                _slotsById.Add(id, slot);
                _ids[slot] = id;
            }

            vector.CopyTo(Row(slot));
            _inverseNorms[slot] = inverseNorm;
            _metadata[slot] = copy;
            _tags[slot] = tag;
            _partitions[slot] = partition;
            return isNew;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private int TakeSlot()
    {
        if (_freeSlots.TryPop(out var slot))
        {
            return slot;
        }

        if (_highWater == _ids.Length)
        {
            var capacity = checked(_ids.Length * 2);
            Array.Resize(ref _data, checked(capacity * Dimensions));
            Array.Resize(ref _inverseNorms, capacity);
            Array.Resize(ref _ids, capacity);
            Array.Resize(ref _metadata, capacity);
            Array.Resize(ref _tags, capacity);
            Array.Resize(ref _partitions, capacity);
        }

        return _highWater++;
    }

    /// <summary>Checks length and finiteness; returns the inverse L2 norm (1 for metrics that do not use it).</summary>
    private float ValidateVector(ReadOnlySpan<float> vector, string paramName)
    {
        if (vector.Length != Dimensions)
        {
            throw new ArgumentException($"The vector has {vector.Length} dimensions but the index expects {Dimensions}.", paramName);
        }

        for (var i = 0; i < vector.Length; i++)
        {
            if (!float.IsFinite(vector[i]))
            {
                throw new ArgumentException($"The vector's component {i} is {vector[i]}; every component must be a finite number.", paramName);
            }
        }

        if (Metric != VectorMetric.Cosine)
        {
            return 1f;
        }

        var norm = TensorPrimitives.Norm(vector);
        if (norm == 0f || !float.IsFinite(norm))
        {
            throw new ArgumentException($"A cosine index cannot hold or query a vector of norm {norm}: it has no direction.", paramName);
        }

        return 1f / norm;
    }

    private static IReadOnlyDictionary<string, MetadataValue> CopyMetadata(IReadOnlyDictionary<string, MetadataValue>? metadata)
    {
        if (metadata is null || metadata.Count == 0)
        {
            return NoMetadata;
        }

        var copy = new Dictionary<string, MetadataValue>(metadata.Count, StringComparer.Ordinal);
        foreach (var (key, value) in metadata)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(metadata));
            copy[key] = value;
        }

        return new ReadOnlyDictionary<string, MetadataValue>(copy);
    }
}
