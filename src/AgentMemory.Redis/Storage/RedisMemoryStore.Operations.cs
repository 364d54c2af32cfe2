using System.Globalization;
using AgentMemory.Storage;
using StackExchange.Redis;

namespace AgentMemory.Redis.Storage;

// IMemoryOperations: batches, counters and compare-and-swap.
public sealed partial class RedisMemoryStore
{
    /// <summary>The most operations one batch script runs; longer batches run as several scripts, in order.</summary>
    private const int BatchChunk = 500;

    /// <inheritdoc />
    /// <remarks>
    /// Operations that pass validation run in order inside one Lua script per chunk of 500, so a chunk is atomic on
    /// the server (stronger than the contract asks) and costs one round trip. An operation that fails validation
    /// (a bad key, bad options, a value that cannot be serialized) is reported as failed and the others still run.
    /// </remarks>
    public async ValueTask<MemoryBatchResult> ExecuteBatchAsync(IEnumerable<MemoryBatchOperation> operations, CancellationToken cancellationToken = default)
    {
        var list = KeyRules.BatchOperations(operations);

        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        var outcomes = new MemoryBatchOutcome[list.Count];
        var pending = new List<(int Index, RedisValue[] Args)>();
        for (var i = 0; i < list.Count; i++)
        {
            var operation = list[i];
            try
            {
                pending.Add((i, Prepare(operation)));
            }
            catch (Exception ex) when (ex is ArgumentException or MemoryException)
            {
                outcomes[i] = new MemoryBatchOutcome(i, operation.Key, operation.Kind, MemoryBatchStatus.Failed, ex);
            }
        }

        for (var start = 0; start < pending.Count; start += BatchChunk)
        {
            var chunk = pending.GetRange(start, Math.Min(BatchChunk, pending.Count - start));
            var keys = chunk.ConvertAll(p => list[p.Index].Key);
            try
            {
                var statuses = await RunBatchAsync(keys, chunk.ConvertAll(p => p.Args)).ConfigureAwait(false);
                for (var j = 0; j < chunk.Count; j++)
                {
                    var operation = list[chunk[j].Index];
                    var status = statuses[j] switch
                    {
                        0 => MemoryBatchStatus.Stored,
                        1 => MemoryBatchStatus.Deleted,
                        _ => MemoryBatchStatus.NotFound,
                    };
                    outcomes[chunk[j].Index] = new MemoryBatchOutcome(chunk[j].Index, operation.Key, operation.Kind, status, null);
                }
            }
            catch (MemoryException ex)
            {
                foreach (var (index, _) in chunk)
                {
                    outcomes[index] = new MemoryBatchOutcome(index, list[index].Key, list[index].Kind, MemoryBatchStatus.Failed, ex);
                }
            }
        }

        return new MemoryBatchResult(outcomes);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyDictionary<string, T>> RetrieveManyAsync<T>(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        var list = MaterializeKeys(keys).Distinct(StringComparer.Ordinal).ToList();
        cancellationToken.ThrowIfCancellationRequested();

        // The reads are sent together and pipelined on the connection: one round trip for all of them.
        var reads = list.ConvertAll(key => ReadValueAsync(key, cancellationToken).AsTask());
        var result = new Dictionary<string, T>(list.Count, StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            if (await reads[i].ConfigureAwait(false) is { } bytes)
            {
                result[list[i]] = Deserialize<T>(list[i], bytes);
            }
        }

        return result;
    }

    /// <inheritdoc />
    public async ValueTask<long> DeleteManyAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        var list = MaterializeKeys(keys);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        long deleted = 0;
        for (var start = 0; start < list.Count; start += BatchChunk)
        {
            var chunk = list.GetRange(start, Math.Min(BatchChunk, list.Count - start));
            var statuses = await RunBatchAsync(chunk, chunk.ConvertAll(key => DeleteArgs(key))).ConfigureAwait(false);
            deleted += statuses.Count(s => s == 1);
        }

        return deleted;
    }

    /// <inheritdoc />
    public async ValueTask<long> IncrementAsync(string key, long amount = 1, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForWrite(key);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        var delta = amount.ToString(CultureInfo.InvariantCulture);
        while (true)
        {
            var parts = (RedisResult[])(await RunAsync(RedisScripts.Increment, key, _layout.EntryKeys(key), Args(key, delta, 2L * key.Length)).ConfigureAwait(false))!;
            CheckKind(key, parts, MemoryEntryKind.Value);
            switch ((string?)parts[0])
            {
                case "N":
                    return ParseCounter(key, (byte[])parts[1]!);
                case "O":
                    var current = ParseCounter(key, (byte[])parts[1]!);
                    throw new MemoryOverflowException(key, $"Adding {amount} to {current} under key '{key}' would overflow a 64-bit integer; the counter keeps {current}.", null);
            }

            // The key holds a serialized value: read it as a 64-bit integer here, and turn it into a counter only if
            // it is still the same value (otherwise start over).
            var bytes = (byte[])parts[1]!;
            long value;
            try
            {
                value = _serializer.Deserialize<long>(bytes);
            }
            catch (MemorySerializationException ex)
            {
                throw new MemoryTypeMismatchException(key, $"The key '{key}' holds a value that is not a 64-bit integer, so it cannot be incremented.", ex);
            }

            long next;
            try
            {
                next = checked(value + amount);
            }
            catch (OverflowException ex)
            {
                throw new MemoryOverflowException(key, $"Adding {amount} to {value} under key '{key}' would overflow a 64-bit integer; the counter keeps {value}.", ex);
            }

            var converted = await RunAsync(RedisScripts.ConvertCounter, key, _layout.EntryKeys(key), Args(key, bytes, next.ToString(CultureInfo.InvariantCulture))).ConfigureAwait(false);
            if ((long)converted == 1)
            {
                return next;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<long> DecrementAsync(string key, long amount = 1, CancellationToken cancellationToken = default)
    {
        if (amount == long.MinValue)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, "Cannot decrement by long.MinValue: its negation does not fit in 64 bits.");
        }

        return IncrementAsync(key, -amount, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<bool> CompareAndSwapAsync<T>(string key, T expected, T newValue, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForWrite(key);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        var expectedBytes = _serializer.Serialize(expected);
        var newBytes = _serializer.Serialize(newValue);
        RedisValue expectedCounter = RedisValue.EmptyString;
        while (true)
        {
            var parts = (RedisResult[])(await RunAsync(RedisScripts.CompareAndSwap, key, _layout.EntryKeys(key), Args(key, expectedBytes, newBytes, expectedCounter)).ConfigureAwait(false))!;
            CheckKind(key, parts, MemoryEntryKind.Value);
            switch ((string?)parts[0])
            {
                case "S":
                    return true;
                case "F":
                    return false;
            }

            // The key holds a counter: compare its serialized form, as the in-process store would, then swap only if
            // the counter still holds the value compared.
            var digits = (byte[])parts[1]!;
            if (!_serializer.Serialize(ParseCounter(key, digits)).AsSpan().SequenceEqual(expectedBytes))
            {
                return false;
            }

            expectedCounter = digits;
        }
    }

    private RedisValue[] Prepare(MemoryBatchOperation operation)
    {
        var key = operation.Key;
        if (operation.Kind != MemoryBatchOperationKind.Store)
        {
            KeyRules.ValidateForRead(key, "operations");
            return DeleteArgs(key);
        }

        KeyRules.ValidateForWrite(key, "operations");
        var bytes = _serializer.Serialize(operation.Value, operation.ValueType!);
        var (metadata, priority, expiry) = Resolve(key, operation.Options);
        return ["s", key, bytes, (int)priority, expiry.Ticks, expiry.Milliseconds, Bytes(metadata), 2L * key.Length];
    }

    private static RedisValue[] DeleteArgs(string key) => ["d", key, RedisValue.EmptyString, RedisValue.EmptyString, RedisValue.EmptyString, RedisValue.EmptyString, RedisValue.EmptyString, RedisValue.EmptyString];

    /// <summary>Runs one batch script over prepared operations (eight arguments each); returns their statuses.</summary>
    private async Task<long[]> RunBatchAsync(List<string> keys, List<RedisValue[]> operations)
    {
        if (keys.Count == 0)
        {
            return [];
        }

        var args = new List<RedisValue>(4 + (8 * operations.Count));
        args.AddRange(Args(keys[0]).AsSpan(0, 4));
        foreach (var operation in operations)
        {
            args.AddRange(operation);
        }

        var result = await RunAsync(RedisScripts.Batch, null, _layout.EntryKeys(keys), [.. args]).ConfigureAwait(false);
        return (long[])result!;
    }

    private static List<string> MaterializeKeys(IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var list = keys.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (string.IsNullOrEmpty(list[i]))
            {
                KeyRules.ValidateForRead(list[i], $"{nameof(keys)}[{i}]");
            }
        }

        return list;
    }
}
