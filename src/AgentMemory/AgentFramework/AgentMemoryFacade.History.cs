using AgentMemory.Coordination;

namespace AgentMemory.AgentFramework;

/// <summary>Flow-run history and task outputs.</summary>
public sealed partial class AgentMemoryFacade
{
    private const string WrittenAtField = "_written_at";

    /// <inheritdoc />
    /// <remarks>
    /// Each record is its own store entry; the flow's head entry numbers them. Retention: records older than
    /// <see cref="AgentMemoryFacadeOptions.FlowRunRetention"/> expire (a store TTL on the <see cref="TimeProvider"/>),
    /// and a write that takes the flow past <see cref="AgentMemoryFacadeOptions.MaxRunsPerFlow"/> deletes the oldest.
    /// With an <see cref="IAgentHistoryStore"/> the call is forwarded to it and its own retention applies.
    /// </remarks>
    public async ValueTask<FlowRunRecord<T>> WriteFlowRunAsync<T>(string flowId, string runId, T data, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(flowId);
        ArgumentException.ThrowIfNullOrEmpty(runId);
        if (_history is not null)
        {
            return await _history.WriteFlowRunAsync(flowId, runId, data, cancellationToken).ConfigureAwait(false);
        }

        using (await _gates.EnterAsync("flow:" + flowId, cancellationToken).ConfigureAwait(false))
        {
            var headKey = FlowKey(flowId);
            var head = await StoredJson.ReadAsync(_store, headKey, AgentFrameworkJsonContext.Default.FlowHead, cancellationToken).ConfigureAwait(false) ?? new FlowHead();
            var record = new FlowRunRecord<T>(flowId, runId, head.Next, _time.GetUtcNow(), data);
            var entry = new MemoryEntryOptions { Ttl = _options.FlowRunRetention };
            await _store.StoreAsync(FlowRunKey(flowId, head.Next), record, entry, cancellationToken).ConfigureAwait(false);
            head.Next++;
            if (_options.MaxRunsPerFlow is { } max && head.Next - head.First > max)
            {
                var drop = new List<string>();
                for (; head.Next - head.First > max; head.First++)
                {
                    drop.Add(FlowRunKey(flowId, head.First));
                }

                await _operations.DeleteManyAsync(drop, CancellationToken.None).ConfigureAwait(false);
            }

            // The head lives as long as the newest record, so a flow whose runs all expired leaves nothing behind.
            await StoredJson.WriteAsync(_store, headKey, head, AgentFrameworkJsonContext.Default.FlowHead, entry, CancellationToken.None).ConfigureAwait(false);
            return record;
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<FlowRunRecord<T>>> ReadFlowRunsAsync<T>(string flowId, string? runId = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(flowId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (_history is not null)
        {
            return await _history.ReadFlowRunsAsync<T>(flowId, runId, limit, cancellationToken).ConfigureAwait(false);
        }

        var result = new List<FlowRunRecord<T>>();
        var head = await StoredJson.ReadAsync(_store, FlowKey(flowId), AgentFrameworkJsonContext.Default.FlowHead, cancellationToken).ConfigureAwait(false);
        if (head is null)
        {
            return result;
        }

        var oldest = _options.FlowRunRetention is { } retention ? _time.GetUtcNow() - retention : DateTimeOffset.MinValue;
        var page = runId is null ? Math.Min(limit, 256) : 64;
        for (var upper = head.Next - 1; upper >= head.First && result.Count < limit;)
        {
            var lower = Math.Max(head.First, upper - page + 1);
            var keys = new List<string>((int)(upper - lower + 1));
            for (var sequence = upper; sequence >= lower; sequence--)
            {
                keys.Add(FlowRunKey(flowId, sequence));
            }

            var found = await _operations.RetrieveManyAsync<FlowRunRecord<T>>(keys, cancellationToken).ConfigureAwait(false);
            foreach (var key in keys)
            {
                // Records expire oldest first, so the first missing one means every older one is gone too.
                if (!found.TryGetValue(key, out var record) || record.WrittenAt < oldest)
                {
                    return result;
                }

                if (runId is null || string.Equals(record.RunId, runId, StringComparison.Ordinal))
                {
                    result.Add(record);
                    if (result.Count == limit)
                    {
                        return result;
                    }
                }
            }

            upper = lower - 1;
        }

        return result;
    }

    /// <inheritdoc />
    public async ValueTask WriteTaskOutputAsync<T>(string taskId, T output, TaskOutputOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        if (_history is not null)
        {
            // The lock provider knows every token it granted; the history store only those already used to write.
            var history = _history;
            if (options?.Fence is { } granted)
            {
                await _locks.ExecuteFencedAsync(granted.Resource, granted.FencingToken, ct => history.WriteTaskOutputAsync(taskId, output, options, ct), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await history.WriteTaskOutputAsync(taskId, output, options, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var metadata = options?.Metadata is null
            ? new Dictionary<string, MetadataValue>(StringComparer.Ordinal)
            : new Dictionary<string, MetadataValue>(options.Metadata, StringComparer.Ordinal);
        metadata[WrittenAtField] = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var entryOptions = EntryOptions(options?.Ttl, metadata);
        var key = TaskKey(taskId);
        if (options?.Fence is { } fence)
        {
            await _locks.ExecuteFencedAsync(fence.Resource, fence.FencingToken, ct => _store.StoreAsync(key, output, entryOptions, ct), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _store.StoreAsync(key, output, entryOptions, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask<TaskOutput<T>?> ReadTaskOutputAsync<T>(string taskId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        if (_history is not null)
        {
            return await _history.ReadTaskOutputAsync<T>(taskId, cancellationToken).ConfigureAwait(false);
        }

        var key = TaskKey(taskId);
        var lookup = await _store.TryRetrieveAsync<T>(key, cancellationToken).ConfigureAwait(false);
        if (!lookup.Found)
        {
            return null;
        }

        var stored = await _store.GetMetadataAsync(key, cancellationToken).ConfigureAwait(false) ?? new Dictionary<string, MetadataValue>();
        var metadata = new Dictionary<string, MetadataValue>(StringComparer.Ordinal);
        var writtenAt = _time.GetUtcNow();
        foreach (var (field, value) in stored)
        {
            if (field == WrittenAtField)
            {
                writtenAt = DateTimeOffset.FromUnixTimeMilliseconds(value.AsInt64());
            }
            else
            {
                metadata[field] = value;
            }
        }

        return new TaskOutput<T>(taskId, lookup.Value!, metadata, writtenAt);
    }

    private string FlowKey(string flowId) => Key("flow:", flowId);

    private string FlowRunKey(string flowId, long sequence) =>
        Key("flowrun:", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{flowId.Length}:{flowId}:{sequence:D19}"));

    private string TaskKey(string taskId) => Key("task:", taskId);
}
