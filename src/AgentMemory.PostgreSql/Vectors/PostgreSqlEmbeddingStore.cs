using System.Collections.Concurrent;
using System.Numerics.Tensors;
using System.Threading.Channels;
using AgentMemory.PostgreSql.Records;
using AgentMemory.Serialization;
using AgentMemory.Storage;
using AgentMemory.Vectors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace AgentMemory.PostgreSql.Vectors;

/// <summary>
/// Embeddings kept in PostgreSQL (<c>real[]</c> with <c>jsonb</c> metadata) and searched in process by the SIMD
/// <see cref="FlatVectorIndex"/>, which is hydrated from the table at start and kept in sync with every process's
/// writes through <c>LISTEN</c> / <c>NOTIFY</c>.
/// </summary>
/// <remarks>
/// <para>
/// A trigger on the table notifies every change (the schema and the id). Each store instance holds one listening
/// connection and applies notifications in order on one background loop by re-reading the row: present means upsert,
/// absent means delete. A write through this instance updates its own index at once (read-your-writes); other
/// instances see it after the notification, typically milliseconds later. When the listener's connection drops,
/// queries keep answering from the last known state; the listener reconnects after
/// <see cref="PostgreSqlRecordsOptions.EmbeddingReconnectDelay"/> and reloads the whole table, which recovers any
/// notification missed meanwhile. <see cref="Changed"/> reports each applied change, so callers (and tests) can wait
/// for propagation without sleeping.
/// </para>
/// <para>
/// pgvector is detected (<see cref="IsPgVectorAvailable"/>) and reported by <see cref="CheckHealthAsync"/>; the search
/// path is always the in-process index, which is exact (a full scan) and needs memory for every vector in every
/// process.
/// </para>
/// <para>Thread-safe: searches run concurrently; writes may come from any thread.</para>
/// </remarks>
public sealed partial class PostgreSqlEmbeddingStore : IAsyncDisposable
{
    private readonly RecordsDatabase _db;
    private readonly FlatVectorIndex _index;
    private readonly ConcurrentDictionary<string, byte> _ids = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly TimeSpan _reconnectDelay;
    private readonly ILogger _logger;
    private readonly Channel<Work> _work = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _startGate = new(1, 1);
    private TaskCompletionSource _firstSync = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _listener;
    private Task? _processor;
    private volatile bool _listening;
    private volatile int _listenerProcessId;
    private bool? _pgVector;
    private int _disposed;

    /// <summary>Creates an embedding store on a PostgreSQL data source; <see cref="StartAsync"/> (or the first call) creates the table, loads it and starts listening.</summary>
    /// <param name="dataSource">The data source (owned by the caller, who disposes it after the store).</param>
    /// <param name="options">Schema, timeout, <see cref="PostgreSqlRecordsOptions.EmbeddingDimensions"/>, metric and reconnect delay, copied now; null for the defaults.</param>
    /// <param name="timeProvider">The clock for timestamps and the reconnect delay; null for <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">Where listener failures are logged; null for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dataSource"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public PostgreSqlEmbeddingStore(NpgsqlDataSource dataSource, PostgreSqlRecordsOptions? options = null, TimeProvider? timeProvider = null, ILogger<PostgreSqlEmbeddingStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var copy = (options ?? new PostgreSqlRecordsOptions()).ValidatedCopy(nameof(options));
        _db = new RecordsDatabase(dataSource, copy, VectorMigrations.All);
        _index = new FlatVectorIndex(copy.EmbeddingDimensions, copy.EmbeddingMetric);
        _time = timeProvider ?? TimeProvider.System;
        _reconnectDelay = copy.EmbeddingReconnectDelay;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Raised on the store's background loop after a change is applied to the local index, or when the listener disconnects. Keep handlers short.</summary>
    public event EventHandler<EmbeddingChangedEventArgs>? Changed;

    /// <summary>The length of every embedding.</summary>
    public int Dimensions => _index.Dimensions;

    /// <summary>How closeness is measured.</summary>
    public VectorMetric Metric => _index.Metric;

    /// <summary>How many embeddings the local index holds.</summary>
    public int Count => _index.Count;

    /// <summary>Whether the listener is connected, so other processes' writes arrive.</summary>
    public bool IsListening => _listening;

    /// <summary>Whether the server offers the pgvector extension; null until the store has started. Reported only: the search path is the in-process index.</summary>
    public bool? IsPgVectorAvailable => _pgVector;

    /// <summary>The backend process id of the listening connection (0 when disconnected), for diagnostics and fault tests.</summary>
    internal int ListenerProcessId => _listenerProcessId;

    /// <summary>Creates the table if needed, detects pgvector, starts listening and loads every embedding. Idempotent.</summary>
    /// <param name="cancellationToken">Cancels the wait (the store keeps starting in the background).</param>
    /// <returns>A task that completes when the local index holds the table's contents.</returns>
    /// <exception cref="MemoryStorageException">PostgreSQL failed while creating the table or detecting extensions.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    /// <remarks>Thread-safe.</remarks>
    public async ValueTask StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_listener is null)
        {
            await _startGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_listener is null)
                {
                    _pgVector = await _db.RunAsync("detecting pgvector", async (connection, ct) =>
                    {
                        using var detect = _db.Command(connection, "SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector')");
                        return (bool)(await detect.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
                    }, cancellationToken).ConfigureAwait(false);
                    _processor = Task.Run(() => ProcessAsync(_stop.Token), CancellationToken.None);
                    _listener = Task.Run(() => ListenAsync(_stop.Token), CancellationToken.None);
                }
            }
            finally
            {
                _startGate.Release();
            }
        }

        await Volatile.Read(ref _firstSync).Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stores an embedding (replacing one under the same id) and indexes it here at once; other instances index it after the notification.</summary>
    /// <param name="id">The id.</param>
    /// <param name="embedding">The vector: <see cref="Dimensions"/> finite components (and not all zero under cosine).</param>
    /// <param name="metadata">Metadata to filter on and return with matches; null for none.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>A task that completes when the embedding is stored and indexed here.</returns>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty or too long, or the vector is of the wrong dimension (the message names both sizes), not finite, or zero under cosine.</exception>
    /// <exception cref="MemoryStorageException">PostgreSQL failed.</exception>
    /// <remarks>Thread-safe.</remarks>
    public async ValueTask UpsertAsync(string id, ReadOnlyMemory<float> embedding, IReadOnlyDictionary<string, MetadataValue>? metadata = null, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForWrite(id);
        CheckVector(embedding.Span, nameof(embedding));
        var vector = embedding.ToArray();
        var metadataJson = MetadataJson.Write(metadata);
        var codec = MetadataCodec.Encode(metadata);
        await StartAsync(cancellationToken).ConfigureAwait(false);
        await _db.RunAsync("storing an embedding", async (connection, ct) =>
        {
            using var upsert = _db.Command(connection, _db.Sql("""
                INSERT INTO {schema}.embeddings (id, dimensions, vector, metadata, metadata_codec, updated_at)
                VALUES (@id, @dimensions, @vector, @metadata, @codec, @at)
                ON CONFLICT (id) DO UPDATE SET dimensions = excluded.dimensions, vector = excluded.vector,
                    metadata = excluded.metadata, metadata_codec = excluded.metadata_codec, updated_at = excluded.updated_at
                """));
            upsert.Parameters.AddWithValue("id", id);
            upsert.Parameters.AddWithValue("dimensions", vector.Length);
            upsert.Parameters.AddWithValue("vector", NpgsqlDbType.Array | NpgsqlDbType.Real, vector);
            upsert.Parameters.AddWithValue("metadata", NpgsqlDbType.Jsonb, metadataJson);
            upsert.Parameters.Add(new NpgsqlParameter("codec", NpgsqlDbType.Bytea) { Value = (object?)codec ?? DBNull.Value });
            upsert.Parameters.AddWithValue("at", _time.GetUtcNow());
            return await upsert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        UpsertLocal(id, vector, metadata);
    }

    /// <summary>Deletes an embedding from the table and from the local index; other instances drop it after the notification.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns><see langword="true"/> if the table held it.</returns>
    /// <exception cref="ArgumentException"><paramref name="id"/> is null or empty.</exception>
    /// <exception cref="MemoryStorageException">PostgreSQL failed.</exception>
    /// <remarks>Thread-safe.</remarks>
    public async ValueTask<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForRead(id);
        await StartAsync(cancellationToken).ConfigureAwait(false);
        var deleted = await _db.RunAsync("deleting an embedding", async (connection, ct) =>
        {
            using var delete = _db.Command(connection, _db.Sql("DELETE FROM {schema}.embeddings WHERE id = @id"));
            delete.Parameters.AddWithValue("id", id);
            return await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
        }, cancellationToken).ConfigureAwait(false);
        RemoveLocal(id);
        return deleted;
    }

    /// <summary>Finds the <paramref name="topK"/> embeddings closest to <paramref name="query"/> by the store's metric, among those whose metadata passes <paramref name="filter"/>.</summary>
    /// <param name="query">The query vector, of <see cref="Dimensions"/> components.</param>
    /// <param name="topK">The most matches to return; at least 1.</param>
    /// <param name="filter">A metadata predicate; null for none.</param>
    /// <param name="cancellationToken">Cancels the wait for the first load.</param>
    /// <returns>The matches, closest first (ties by ordinal id).</returns>
    /// <exception cref="ArgumentException">The query is of the wrong dimension (the message names both sizes), not finite, or zero under cosine.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="topK"/> is less than 1.</exception>
    /// <exception cref="MemoryStorageException">The first load failed.</exception>
    /// <remarks>Thread-safe; served from the local index without a round trip once started.</remarks>
    public async ValueTask<IReadOnlyList<VectorSearchResult>> QueryAsync(ReadOnlyMemory<float> query, int topK = 10, MetadataFilter? filter = null, CancellationToken cancellationToken = default)
    {
        CheckVector(query.Span, nameof(query));
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        await StartAsync(cancellationToken).ConfigureAwait(false);
        return _index.Search(query.Span, topK, filter);
    }

    /// <summary>Reloads the local index from the table now (the listener does this by itself after a reconnect).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the reload has been applied.</returns>
    /// <exception cref="MemoryStorageException">PostgreSQL failed.</exception>
    /// <remarks>Thread-safe.</remarks>
    public async ValueTask ResynchronizeAsync(CancellationToken cancellationToken = default)
    {
        await StartAsync(cancellationToken).ConfigureAwait(false);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _work.Writer.WriteAsync(new Work(null, done), cancellationToken).ConfigureAwait(false);
        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reports the store's health: unhealthy when PostgreSQL does not answer, degraded while the listener is disconnected.</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The health, with reasons (count, listener state, pgvector availability).</returns>
    /// <remarks>Thread-safe; never throws for a storage failure, which is reported as unhealthy.</remarks>
    public async ValueTask<ComponentHealth> CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        var reasons = new List<string>();
        try
        {
            await StartAsync(cancellationToken).ConfigureAwait(false);
            var rows = await _db.RunAsync("counting embeddings", async (connection, ct) =>
            {
                using var count = _db.Command(connection, _db.Sql("SELECT count(*) FROM {schema}.embeddings"));
                return (long)(await count.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            }, cancellationToken).ConfigureAwait(false);
            reasons.Add($"{Count} embeddings indexed in process ({rows} rows in PostgreSQL).");
            reasons.Add(_pgVector == true
                ? "pgvector is available on the server but not used: searches run on the in-process SIMD index."
                : "pgvector is not available; searches run on the in-process SIMD index.");
            if (!_listening)
            {
                reasons.Add("The change listener is disconnected: other processes' writes are not seen until it reconnects and resynchronizes.");
                return new ComponentHealth("embeddings", MemoryHealthStatus.Degraded, reasons);
            }

            return new ComponentHealth("embeddings", MemoryHealthStatus.Healthy, reasons);
        }
        catch (MemoryStorageException ex)
        {
            reasons.Add(ex.Message);
            return new ComponentHealth("embeddings", MemoryHealthStatus.Unhealthy, reasons);
        }
    }

    /// <summary>Stops listening and releases the local index. The data source is not disposed.</summary>
    /// <returns>A task that completes when the background loops have stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _work.Writer.TryComplete();
        foreach (var loop in new[] { _listener, _processor })
        {
            if (loop is not null)
            {
                await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        Volatile.Read(ref _firstSync).TrySetException(new ObjectDisposedException(nameof(PostgreSqlEmbeddingStore)));
        _index.Dispose();
        _stop.Dispose();
        _startGate.Dispose();
    }

    private void CheckVector(ReadOnlySpan<float> vector, string paramName)
    {
        if (vector.Length != Dimensions)
        {
            throw new ArgumentException($"The vector has {vector.Length} dimensions, but this store holds {Dimensions}-dimensional embeddings (PostgreSqlRecordsOptions.EmbeddingDimensions).", paramName);
        }

        for (var i = 0; i < vector.Length; i++)
        {
            if (!float.IsFinite(vector[i]))
            {
                throw new ArgumentException($"The vector's component {i} is {vector[i]}; every component must be a finite number.", paramName);
            }
        }

        if (Metric == VectorMetric.Cosine && TensorPrimitives.Norm(vector) == 0f)
        {
            throw new ArgumentException("A cosine store cannot hold or query a zero vector: it has no direction.", paramName);
        }
    }

    /// <summary>The first load is done: StartAsync returns from now on.</summary>
    private void CompleteFirstSync() => Volatile.Read(ref _firstSync).TrySetResult();

    /// <summary>
    /// Before the first load has succeeded, a failure is handed to the callers waiting in StartAsync, and later callers
    /// wait for the next attempt (the listener keeps retrying), so a store started while the server was down recovers.
    /// </summary>
    private void FailFirstSync(Exception exception)
    {
        var current = Volatile.Read(ref _firstSync);
        if (current.Task.IsCompleted)
        {
            return;
        }

        Interlocked.CompareExchange(ref _firstSync, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), current);
        current.TrySetException(exception as MemoryStorageException ?? _db.Failed("loading embeddings", exception));
    }

    /// <summary>One item of the apply loop: re-read one id, or (Id null) reload everything.</summary>
    private readonly record struct Work(string? Id, TaskCompletionSource? Done);
}
