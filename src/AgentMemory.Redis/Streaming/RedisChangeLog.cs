using AgentMemory.Redis.Connection;
using StackExchange.Redis;

namespace AgentMemory.Redis.Streaming;

/// <summary>
/// Reads and appends the Redis stream that holds the change records of one key prefix, and finds positions in it by
/// sequence number or timestamp. Every Redis failure surfaces as a <see cref="MemoryStreamException"/>.
/// </summary>
/// <remarks>Thread-safe (stateless over a thread-safe connection).</remarks>
internal sealed class RedisChangeLog(IDatabase database, string prefix, int maxLength)
{
    private readonly RedisKey _stream = RedisChangeRecord.StreamKey(prefix);
    private readonly RedisKey _sequence = RedisChangeRecord.SequenceKey(prefix);

    public string NotifyChannel { get; } = RedisChangeRecord.NotifyChannel(prefix);

    public async Task<long> AppendAsync(string key, MemoryChangeType type, DateTimeOffset timestamp, ReadOnlyMemory<byte>? oldValue, ReadOnlyMemory<byte>? newValue, byte[]? metadata)
    {
        RedisValue[] args =
        [
            NotifyChannel,
            maxLength,
            key,
            (int)type,
            timestamp.ToUnixTimeMilliseconds(),
            oldValue is null ? "0" : "1",
            oldValue is { } old ? old : RedisValue.EmptyString,
            newValue is null ? "0" : "1",
            newValue is { } value ? value : RedisValue.EmptyString,
            metadata is null ? "0" : "1",
            metadata ?? RedisValue.EmptyString,
        ];
        try
        {
            return (long)await database.ScriptEvaluateAsync(RedisChangeRecord.PublishScript, [_stream, _sequence], args).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsRedisFailure(ex))
        {
            throw RedisFailures.Stream($"publishing a change of '{key}'", ex);
        }
    }

    /// <summary>Entries after <paramref name="position"/> (or from it, when <paramref name="inclusive"/>), oldest first.</summary>
    public Task<StreamEntry[]> ReadAsync(StreamEntryId position, bool inclusive, int count) =>
        RunAsync(() => database.StreamRangeAsync(_stream, (inclusive ? string.Empty : "(") + position, "+", count), "reading the change stream");

    /// <summary>The newest entry's id, or <see cref="StreamEntryId.Zero"/> when the stream is empty.</summary>
    public async Task<StreamEntryId> LastPositionAsync()
    {
        var last = await RunAsync(() => database.StreamRangeAsync(_stream, "-", "+", 1, Order.Descending), "reading the change stream's end").ConfigureAwait(false);
        return last.Length == 0 ? StreamEntryId.Zero : StreamEntryId.Parse(last[0].Id!);
    }

    /// <summary>The oldest retained entry, if any.</summary>
    public async Task<StreamEntry?> FirstAsync()
    {
        var first = await RunAsync(() => database.StreamRangeAsync(_stream, "-", "+", 1), "reading the change stream's start").ConfigureAwait(false);
        return first.Length == 0 ? null : first[0];
    }

    /// <summary>The newest sequence number handed out (0 before the first change).</summary>
    public async Task<long> LastSequenceAsync()
    {
        var value = await RunAsync(() => database.StringGetAsync(_sequence), "reading the change sequence").ConfigureAwait(false);
        return value.TryParse(out long sequence) ? sequence : 0;
    }

    /// <summary>
    /// The id of the first entry for which <paramref name="reached"/> (given its sequence number and unix-ms timestamp)
    /// holds, assuming it holds for every later entry once it holds for one; null when it holds for none. Binary search
    /// over the ids' millisecond parts, then a short forward scan: O(log) round trips for a long stream.
    /// </summary>
    public async Task<StreamEntryId?> FindFirstAsync(Func<long, long, bool> reached)
    {
        var first = await FirstAsync().ConfigureAwait(false);
        if (first is null)
        {
            return null;
        }

        var low = StreamEntryId.Parse(first.Value.Id!).Milliseconds;
        var high = (await LastPositionAsync().ConfigureAwait(false)).Milliseconds;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            var probe = await ReadAsync(new StreamEntryId(middle, 0), inclusive: true, 1).ConfigureAwait(false);
            if (probe.Length == 1 && RedisChangeRecord.Peek(probe[0]) is { } head && reached(head.Sequence, head.Timestamp))
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        // The probe at low - 1 found an entry that has not reached the target (or low is the first entry's
        // millisecond), and several entries can share a millisecond: the first one that has may sit in low - 1.
        var position = new StreamEntryId(low == 0 ? 0 : low - 1, 0);
        var inclusive = true;
        while (true)
        {
            var page = await ReadAsync(position, inclusive, 256).ConfigureAwait(false);
            if (page.Length == 0)
            {
                return null;
            }

            foreach (var entry in page)
            {
                if (RedisChangeRecord.Peek(entry) is { } head && reached(head.Sequence, head.Timestamp))
                {
                    return StreamEntryId.Parse(entry.Id!);
                }
            }

            position = StreamEntryId.Parse(page[^1].Id!);
            inclusive = false;
        }
    }

    private static async Task<T> RunAsync<T>(Func<Task<T>> call, string operation)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsRedisFailure(ex))
        {
            throw RedisFailures.Stream(operation, ex);
        }
    }
}
