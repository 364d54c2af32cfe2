using AgentMemory.PostgreSql.Records;
using AgentMemory.Serialization;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AgentMemory.PostgreSql.Vectors;

/// <summary>The listener (LISTEN on a dedicated connection, reconnecting with a resync) and the apply loop.</summary>
public sealed partial class PostgreSqlEmbeddingStore
{
    private const string SelectColumns = "id, dimensions, vector, metadata_codec";

    private async Task ListenAsync(CancellationToken stop)
    {
        var prefix = _db.Schema + "\n";
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await _db.EnsureMigratedAsync(stop).ConfigureAwait(false);
                var connection = await _db.DataSource.OpenConnectionAsync(stop).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    connection.Notification += (_, e) =>
                    {
                        if (e.Payload.StartsWith(prefix, StringComparison.Ordinal))
                        {
                            var id = e.Payload[prefix.Length..];
                            _work.Writer.TryWrite(new Work(id.Length == 0 ? null : id, null));
                        }
                    };
                    using (var listen = _db.Command(connection, $"LISTEN {VectorMigrations.Channel}"))
                    {
                        await listen.ExecuteNonQueryAsync(stop).ConfigureAwait(false);
                    }

                    // Listening first, then loading: a change committed after the load started is also notified.
                    _listenerProcessId = connection.ProcessID;
                    _listening = true;
                    _work.Writer.TryWrite(new Work(null, null));
                    while (true)
                    {
                        await connection.WaitAsync(stop).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                _listening = false;
                _listenerProcessId = 0;
                LogListenerFailed(_logger, _db.Schema, ex);
                FailFirstSync(ex);
            }

            // Register the delay before announcing the disconnect, so a fake clock advanced by an observer fires it.
            var delay = Task.Delay(_reconnectDelay, _time, stop);
            Raise(EmbeddingChangeKind.Disconnected, null);
            try
            {
                await delay.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        _listening = false;
    }

    private async Task ProcessAsync(CancellationToken stop)
    {
        try
        {
            await foreach (var work in _work.Reader.ReadAllAsync(stop).ConfigureAwait(false))
            {
                try
                {
                    if (work.Id is null)
                    {
                        await ReloadAllAsync(stop).ConfigureAwait(false);
                        CompleteFirstSync();
                        Raise(EmbeddingChangeKind.Resynchronized, null);
                    }
                    else
                    {
                        var present = await ReloadOneAsync(work.Id, stop).ConfigureAwait(false);
                        Raise(present ? EmbeddingChangeKind.Upserted : EmbeddingChangeKind.Deleted, work.Id);
                    }

                    work.Done?.TrySetResult();
                }
                catch (MemoryStorageException ex)
                {
                    // The row could not be read; the listener's next reconnect resynchronizes everything.
                    LogApplyFailed(_logger, _db.Schema, ex);
                    work.Done?.TrySetException(ex);
                    if (work.Id is null)
                    {
                        FailFirstSync(ex);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    private async Task ReloadAllAsync(CancellationToken cancellationToken)
    {
        var rows = await _db.RunAsync("loading embeddings", async (connection, ct) =>
        {
            using var read = _db.Command(connection, _db.Sql($"SELECT {SelectColumns} FROM {{schema}}.embeddings"));
            var all = await RecordsDatabase.ReadAllAsync(read, static reader => (
                Id: reader.GetString(0),
                Dimensions: reader.GetInt32(1),
                Vector: reader.GetFieldValue<float[]>(2),
                Codec: reader.IsDBNull(3) ? null : reader.GetFieldValue<byte[]>(3)), ct).ConfigureAwait(false);
            return all.Where(r => r.Dimensions == Dimensions).Select(r => (r.Id, r.Vector, r.Codec)).ToList();
        }, cancellationToken).ConfigureAwait(false);
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, vector, codec) in rows)
        {
            if (TryIndex(id, vector, codec))
            {
                present.Add(id);
            }
        }

        foreach (var stale in _ids.Keys.Where(id => !present.Contains(id)).ToList())
        {
            RemoveLocal(stale);
        }
    }

    private async Task<bool> ReloadOneAsync(string id, CancellationToken cancellationToken)
    {
        var row = await _db.RunAsync("loading an embedding", async (connection, ct) =>
        {
            using var read = _db.Command(connection, _db.Sql($"SELECT {SelectColumns} FROM {{schema}}.embeddings WHERE id = @id"));
            read.Parameters.AddWithValue("id", id);
            var rows = await RecordsDatabase.ReadAllAsync(read, static reader => (
                Dimensions: reader.GetInt32(1),
                Vector: reader.GetFieldValue<float[]>(2),
                Codec: reader.IsDBNull(3) ? null : reader.GetFieldValue<byte[]>(3)), ct).ConfigureAwait(false);
            return rows.Count == 1 && rows[0].Dimensions == Dimensions ? (rows[0].Vector, rows[0].Codec) : ((float[] Vector, byte[]? Codec)?)null;
        }, cancellationToken).ConfigureAwait(false);
        if (row is { } r && TryIndex(id, r.Vector, r.Codec))
        {
            return true;
        }

        RemoveLocal(id);
        return false;
    }

    /// <summary>Indexes a row; a row another writer stored that this index cannot hold (zero under cosine, corrupt metadata) is skipped.</summary>
    private bool TryIndex(string id, float[] vector, byte[]? codec)
    {
        try
        {
            UpsertLocal(id, vector, MetadataCodec.Decode(codec));
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or MemorySerializationException)
        {
            LogRowSkipped(_logger, id, _db.Schema, ex);
            return false;
        }
    }

    private void UpsertLocal(string id, ReadOnlySpan<float> vector, IReadOnlyDictionary<string, MetadataValue>? metadata)
    {
        _index.Upsert(id, vector, metadata);
        _ids[id] = 0;
    }

    private void RemoveLocal(string id)
    {
        _index.Remove(id);
        _ids.TryRemove(id, out _);
    }

    private void Raise(EmbeddingChangeKind kind, string? id)
    {
        try
        {
            Changed?.Invoke(this, new EmbeddingChangedEventArgs(kind, id));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogHandlerFailed(_logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The embedding listener of schema {Schema} lost its connection; it reconnects and resynchronizes.")]
    private static partial void LogListenerFailed(ILogger logger, string schema, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Applying an embedding change in schema {Schema} failed; the next resynchronization repairs it.")]
    private static partial void LogApplyFailed(ILogger logger, string schema, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stored embedding {Id} in schema {Schema} cannot be indexed and is skipped.")]
    private static partial void LogRowSkipped(ILogger logger, string id, string schema, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A handler of PostgreSqlEmbeddingStore.Changed threw.")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception);
}
