using System.Collections.Concurrent;
using AgentMemory.Search;
using AgentMemory.Vectors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentMemory.Semantic;

/// <summary>
/// The in-process <see cref="ISemanticMemory"/>: memories are stored through an <see cref="IMemoryStore"/> (so the
/// store's tiers and persistence apply to them) and indexed in memory by a SIMD <see cref="FlatVectorIndex"/> over
/// their embeddings and a <see cref="Bm25Index"/> over their text. The indexes are rebuilt from the store on first
/// use and kept in step with every write.
/// </summary>
/// <remarks>
/// <para>
/// Embeddings come from the <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> given at construction, or from a
/// built-in <see cref="HashingEmbeddingGenerator"/> when none is given (see <see cref="CheckHealthAsync"/>).
/// </para>
/// <para>
/// Thread-safe. Retrievals run concurrently with each other and with writes; writes (store, update, delete, access
/// statistics, consolidation) are serialized so that the store and every index always agree. Embedding happens
/// outside that lock.
/// </para>
/// </remarks>
public sealed partial class SemanticMemory : ISemanticMemory, IDisposable
{
    private readonly IMemoryStore _store;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embedder;
    private readonly IMemoryExtractor _extractor;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemanticMemoryOptions _options;
    private readonly bool _builtInEmbedder;
    private readonly string _memoryPrefix;
    private readonly string _conversationPrefix;
    private readonly ConcurrentDictionary<string, StoredMemory> _records = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, MemoryCell> _cells = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<MemoryScope, int> _scopeIds = new();
    private int _nextScopeId;
    private readonly Bm25Index _keywords;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly RetrievalStatistics _retrievalStats;
    private FlatVectorIndex? _vectors;
    private volatile bool _initialized;
    private int _skippedOnLoad;
    private long _turnSequence;

    /// <summary>Creates a semantic memory over <paramref name="store"/>.</summary>
    /// <param name="store">Where memories and conversation turns are stored.</param>
    /// <param name="options">Settings, copied now; null for the defaults.</param>
    /// <param name="embeddingGenerator">The embedder; null for the built-in <see cref="HashingEmbeddingGenerator"/>.</param>
    /// <param name="extractor">Finds key information for <see cref="LearnFromInteractionAsync"/>; null for <see cref="RuleBasedMemoryExtractor"/>.</param>
    /// <param name="timeProvider">The clock; null for <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">Where to log skipped corrupt records; null for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> is null.</exception>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public SemanticMemory(
        IMemoryStore store,
        SemanticMemoryOptions? options = null,
        IEmbeddingGenerator<string, Embedding<float>>? embeddingGenerator = null,
        IMemoryExtractor? extractor = null,
        TimeProvider? timeProvider = null,
        ILogger<SemanticMemory>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        options ??= new SemanticMemoryOptions();
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _options = options.Clone();
        _store = store;
        _builtInEmbedder = embeddingGenerator is null;
        _embedder = embeddingGenerator ?? new HashingEmbeddingGenerator(_options.BuiltInEmbeddingDimensions);
        _extractor = extractor ?? new RuleBasedMemoryExtractor();
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _memoryPrefix = _options.KeyPrefix + "m:";
        _conversationPrefix = _options.KeyPrefix + "c:";
        _keywords = new Bm25Index(_options.Keyword);
        _retrievalStats = new RetrievalStatistics(_options.LatencySamples);
        var cache = _options.Cache;
        _resultCache = cache.ResultCapacity > 0 ? new(cache.ResultCapacity, cache.Ttl, _time) : null;
        _embeddingCache = cache.EmbeddingCapacity > 0 ? new(cache.EmbeddingCapacity, cache.Ttl, _time, StringComparer.Ordinal) : null;

        // Versions are needed only for scopes with cached entries (at most ResultCapacity of them); twice that bounds
        // both the table and the cost of a write's invalidation pass.
        _versions = new ScopeVersions(Math.Max(64, 2 * cache.ResultCapacity));
    }

    /// <summary>Releases the indexes. The store is not disposed: it belongs to whoever gave it.</summary>
    public void Dispose()
    {
        _vectors?.Dispose();
        _keywords.Dispose();
        _gate.Dispose();
    }

    /// <inheritdoc/>
    public async ValueTask<MemoryRecord> StoreAsync(MemoryInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var stored = await StoreBatchAsync([input], cancellationToken).ConfigureAwait(false);
        return stored[0];
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<MemoryRecord>> StoreBatchAsync(IReadOnlyList<MemoryInput> inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        foreach (var input in inputs)
        {
            ArgumentNullException.ThrowIfNull(input, nameof(inputs));
            ValidateInput(input);
        }

        if (inputs.Count == 0)
        {
            return [];
        }

        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var embeddings = await EmbedAsync([.. inputs.Select(i => i.Content)], cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var records = new MemoryRecord[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            records[i] = new MemoryRecord
            {
                Id = input.Id ?? Guid.NewGuid().ToString("N"),
                Content = input.Content,
                Type = input.Type,
                Scope = input.Scope,
                Timestamp = input.Timestamp ?? now,
                Importance = input.Importance,
                Metadata = CopyMetadata(input.Metadata),
                SourceIds = input.SourceIds is null ? [] : [.. input.SourceIds],
                Embedding = embeddings[i],
            };
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var record in records)
            {
                if (_records.TryGetValue(record.Id, out var existing) && existing.Record.Scope != record.Scope)
                {
                    throw new ArgumentException($"The memory id '{record.Id}' is already used in another scope; choose another id.", nameof(inputs));
                }
            }

            foreach (var record in records)
            {
                await PutAsync(new StoredMemory(record, record.Timestamp), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }

        return records;
    }

    /// <inheritdoc/>
    public async ValueTask<MemoryRecord?> GetAsync(string id, MemoryScope scope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(scope);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return Visible(id, scope)?.Record;
    }

    /// <inheritdoc/>
    public async ValueTask<MemoryRecord?> UpdateAsync(string id, MemoryScope scope, MemoryUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(update);
        if (update.Content is not null)
        {
            CheckContent(update.Content, nameof(update));
        }

        if (update.Importance is { } importance)
        {
            CheckImportance(importance, nameof(update));
        }

        if (update.Type is { } type && !Enum.IsDefined(type))
        {
            throw new ArgumentException($"The memory type {(int)type} is not defined.", nameof(update));
        }

        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        if (Visible(id, scope) is null)
        {
            return null;
        }

        var embedding = update.Content is null ? (ReadOnlyMemory<float>?)null : (await EmbedAsync([update.Content], cancellationToken).ConfigureAwait(false))[0];
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Visible(id, scope) is not { } current)
            {
                return null;
            }

            var record = current.Record;
            var updated = new MemoryRecord
            {
                Id = record.Id,
                Content = update.Content ?? record.Content,
                Type = update.Type ?? record.Type,
                Scope = record.Scope,
                Timestamp = record.Timestamp,
                Importance = update.Importance ?? record.Importance,
                AccessCount = record.AccessCount,
                LastAccessedAt = record.LastAccessedAt,
                Metadata = update.Metadata is null ? record.Metadata : CopyMetadata(update.Metadata),
                SourceIds = update.SourceIds is null ? record.SourceIds : [.. update.SourceIds],
                Embedding = embedding ?? record.Embedding,
            };
            await PutAsync(current with { Record = updated }, cancellationToken).ConfigureAwait(false);
            return updated;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteAsync(string id, MemoryScope scope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(scope);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Visible(id, scope) is null)
            {
                return false;
            }

            await RemoveAsync(id, cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    private StoredMemory? Visible(string id, MemoryScope scope) =>
        _records.TryGetValue(id, out var stored) && stored.Record.Scope.IsVisibleTo(scope) ? stored : null;

    /// <summary>Writes to the store, then to every index. Call under <see cref="_gate"/>.</summary>
    private async ValueTask PutAsync(StoredMemory stored, CancellationToken cancellationToken)
    {
        var record = stored.Record;
        var options = new MemoryEntryOptions { Priority = _options.StorePriority };
        await _store.StoreRawAsync(_memoryPrefix + record.Id, MemoryRecordCodec.Encode(stored), options, cancellationToken).ConfigureAwait(false);
        Index(stored);
    }

    /// <summary>Removes from the store, then from every index. Call under <see cref="_gate"/>.</summary>
    private async ValueTask RemoveAsync(string id, CancellationToken cancellationToken)
    {
        await _store.DeleteAsync(_memoryPrefix + id, cancellationToken).ConfigureAwait(false);
        _records.TryRemove(id, out var removed);
        if (_cells.TryRemove(id, out var cell))
        {
            cell.Current = null;
        }

        _vectors?.Remove(id);
        _keywords.Remove(id);
        OnIndexed(removed?.Record, null);
    }

    private void Index(StoredMemory stored)
    {
        var record = stored.Record;
        var known = _records.TryGetValue(record.Id, out var previous);
        var cell = _cells.GetOrAdd(record.Id, static _ => new MemoryCell());
        cell.Current = stored;

        // Access-statistics and importance updates keep the same embedding array: skip rewriting the vector then.
        if (!known || !previous!.Record.Embedding.Equals(record.Embedding))
        {
            VectorIndexFor(record.Embedding.Length).Upsert(record.Id, record.Embedding.Span, cell, ScopeId(record.Scope));
        }

        if (!known || previous!.Record.Content != record.Content)
        {
            _keywords.Upsert(record.Id, record.Content, cell, ScopeId(record.Scope));
        }

        _records[record.Id] = stored;
        OnIndexed(known ? previous!.Record : null, record);
    }

    /// <summary>
    /// A small number per distinct scope, stored per entry in both indexes so that a scan tests visibility on a
    /// contiguous array instead of following pointers to each memory (scopes are few; ids are never reused).
    /// </summary>
    private int ScopeId(MemoryScope scope) => _scopeIds.GetOrAdd(scope, _ => Interlocked.Increment(ref _nextScopeId) - 1);

    /// <summary>
    /// Which scope ids a request may see: a memory scope is visible when each part it sets equals the request's, so
    /// the visible scopes are the (at most 16) scopes made of a subset of the request's parts.
    /// </summary>
    private bool[] VisibleScopes(MemoryScope request)
    {
        var mask = new bool[Volatile.Read(ref _nextScopeId) + 1];
        for (var bits = 0; bits < 16; bits++)
        {
            var candidate = new MemoryScope(
                (bits & 1) != 0 ? request.UserId : null,
                (bits & 2) != 0 ? request.AgentId : null,
                (bits & 4) != 0 ? request.SessionId : null,
                (bits & 8) != 0 ? request.ConversationId : null);
            if (_scopeIds.TryGetValue(candidate, out var id) && id < mask.Length)
            {
                mask[id] = true;
            }
        }

        return mask;
    }

    private FlatVectorIndex VectorIndexFor(int dimensions)
    {
        var vectors = _vectors;
        if (vectors is null)
        {
            vectors = new FlatVectorIndex(dimensions, VectorMetric.Cosine);
            var raced = Interlocked.CompareExchange(ref _vectors, vectors, null);
            if (raced is not null)
            {
                vectors.Dispose();
                vectors = raced;
            }
        }

        return vectors;
    }

    private static IReadOnlyDictionary<string, MetadataValue> CopyMetadata(IReadOnlyDictionary<string, MetadataValue>? metadata) =>
        metadata is null ? new Dictionary<string, MetadataValue>(StringComparer.Ordinal) : new Dictionary<string, MetadataValue>(metadata, StringComparer.Ordinal);

    private static void ValidateInput(MemoryInput input)
    {
        CheckContent(input.Content, nameof(input));
        CheckImportance(input.Importance, nameof(input));
        ArgumentNullException.ThrowIfNull(input.Scope, nameof(input));
        if (!Enum.IsDefined(input.Type))
        {
            throw new ArgumentException($"The memory type {(int)input.Type} is not defined.", nameof(input));
        }

        if (input.Id is not null)
        {
            CheckText(input.Id, "id", nameof(input));
            if (input.Id.Length == 0)
            {
                throw new ArgumentException("A memory id must not be empty.", nameof(input));
            }
        }
    }

    private static void CheckContent(string? content, string paramName)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            throw new ArgumentException("Memory content must not be null, empty or whitespace.", paramName);
        }

        CheckText(content, "content", paramName);
    }

    private static void CheckImportance(double importance, string paramName)
    {
        if (!(importance is >= 0 and <= 1))
        {
            throw new ArgumentException($"Importance must be between 0 and 1 (was {importance}).", paramName);
        }
    }

    /// <summary>Refuses NUL and unpaired surrogates, which could not be stored unchanged.</summary>
    private static void CheckText(string text, string what, string paramName)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                throw new ArgumentException($"The memory {what} contains a NUL character at index {i}.", paramName);
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                throw new ArgumentException($"The memory {what} contains an unpaired surrogate at index {i}.", paramName);
            }
        }
    }
}
