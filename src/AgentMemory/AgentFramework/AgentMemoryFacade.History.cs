namespace AgentMemory.AgentFramework;

/// <summary>Flow-run history and task outputs.</summary>
public sealed partial class AgentMemoryFacade
{
    private const string WrittenAtField = "_written_at";

    /// <inheritdoc />
    public async ValueTask<FlowRunRecord<T>> WriteFlowRunAsync<T>(string flowId, string runId, T data, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(flowId);
        ArgumentException.ThrowIfNullOrEmpty(runId);
        using (await _gates.EnterAsync("flow:" + flowId, cancellationToken).ConfigureAwait(false))
        {
            var key = FlowKey(flowId);
            var sequence = await _operations.GetListLengthAsync(key, cancellationToken).ConfigureAwait(false) + 1;
            var record = new FlowRunRecord<T>(flowId, runId, sequence, _time.GetUtcNow(), data);
            await _operations.AppendToListAsync(key, [record], cancellationToken).ConfigureAwait(false);
            return record;
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<FlowRunRecord<T>>> ReadFlowRunsAsync<T>(string flowId, string? runId = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(flowId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var key = FlowKey(flowId);
        if (runId is null)
        {
            var newest = await _operations.GetListRangeAsync<FlowRunRecord<T>>(key, ^limit.., cancellationToken).ConfigureAwait(false);
            return newest.Reverse().ToArray();
        }

        var all = await _operations.GetListAsync<FlowRunRecord<T>>(key, cancellationToken).ConfigureAwait(false);
        var result = new List<FlowRunRecord<T>>(Math.Min(limit, all.Count));
        for (var i = all.Count - 1; i >= 0 && result.Count < limit; i--)
        {
            if (string.Equals(all[i].RunId, runId, StringComparison.Ordinal))
            {
                result.Add(all[i]);
            }
        }

        return result;
    }

    /// <inheritdoc />
    public async ValueTask WriteTaskOutputAsync<T>(string taskId, T output, TaskOutputOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
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

    private string TaskKey(string taskId) => Key("task:", taskId);
}
