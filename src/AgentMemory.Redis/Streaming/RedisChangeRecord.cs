using AgentMemory.Serialization;
using StackExchange.Redis;

namespace AgentMemory.Redis.Streaming;

/// <summary>
/// The wire format of one change in the Redis stream <c>{prefix}__changes</c>, shared by every writer (the Redis
/// store's mutation scripts, <see cref="RedisMemoryStreaming.PublishAsync"/>) and every reader:
/// <c>seq</c> (the value of <c>INCR {prefix}__changes:seq</c>), <c>key</c> (the user key, unprefixed), <c>type</c>
/// (<c>(int)</c><see cref="MemoryChangeType"/>), <c>ts</c> (unix milliseconds of the writer's clock), and the
/// optional <c>old</c> / <c>new</c> (raw value bytes) and <c>meta</c> (MetadataCodec bytes).
/// </summary>
internal static class RedisChangeRecord
{
    public const string Sequence = "seq";
    public const string Key = "key";
    public const string Type = "type";
    public const string Timestamp = "ts";
    public const string Old = "old";
    public const string New = "new";
    public const string Meta = "meta";

    /// <summary>
    /// Appends one change atomically: numbers it, adds it to the stream (trimmed to about ARGV[2] entries) and
    /// announces its number on the notify channel. KEYS: stream, sequence counter. ARGV: notify channel, max length,
    /// key, type, ts, then "1"/"0" and the bytes for old, new and meta. Returns the sequence number.
    /// </summary>
    public const string PublishScript = """
        local seq = redis.call('INCR', KEYS[2])
        local args = {KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'seq', seq, 'key', ARGV[3], 'type', ARGV[4], 'ts', ARGV[5]}
        if ARGV[6] == '1' then table.insert(args, 'old'); table.insert(args, ARGV[7]) end
        if ARGV[8] == '1' then table.insert(args, 'new'); table.insert(args, ARGV[9]) end
        if ARGV[10] == '1' then table.insert(args, 'meta'); table.insert(args, ARGV[11]) end
        redis.call('XADD', unpack(args))
        redis.call('PUBLISH', ARGV[1], seq)
        return seq
        """;

    /// <summary>The stream's key for a key prefix.</summary>
    public static string StreamKey(string prefix) => prefix + "__changes";

    /// <summary>The sequence counter's key for a key prefix.</summary>
    public static string SequenceKey(string prefix) => prefix + "__changes:seq";

    /// <summary>The notify channel for a key prefix.</summary>
    public static string NotifyChannel(string prefix) => prefix + "__changes:notify";

    /// <summary>The fields of a record, for writers that XADD themselves (tests, tools).</summary>
    public static NameValueEntry[] Encode(long sequence, string key, MemoryChangeType type, DateTimeOffset timestamp, ReadOnlyMemory<byte>? oldValue, ReadOnlyMemory<byte>? newValue, IReadOnlyDictionary<string, MetadataValue>? metadata)
    {
        var fields = new List<NameValueEntry>(7)
        {
            new(Sequence, sequence),
            new(Key, key),
            new(Type, (int)type),
            new(Timestamp, timestamp.ToUnixTimeMilliseconds()),
        };
        if (oldValue is { } old)
        {
            fields.Add(new(Old, old));
        }

        if (newValue is { } value)
        {
            fields.Add(new(New, value));
        }

        if (MetadataCodec.Encode(metadata) is { } meta)
        {
            fields.Add(new(Meta, meta));
        }

        return [.. fields];
    }

    /// <summary>Decodes an entry; null when it is not a well-formed change record (the reason in <paramref name="problem"/>).</summary>
    public static MemoryChange? Decode(StreamEntry entry, out string? problem)
    {
        long? sequence = null;
        long? timestamp = null;
        int? type = null;
        string? key = null;
        byte[]? old = null, value = null, meta = null;
        foreach (var field in entry.Values)
        {
            switch ((string?)field.Name)
            {
                case Sequence when field.Value.TryParse(out long s): sequence = s; break;
                case Timestamp when field.Value.TryParse(out long t): timestamp = t; break;
                case Type when field.Value.TryParse(out int k): type = k; break;
                case Key: key = field.Value; break;
                case Old: old = field.Value; break;
                case New: value = field.Value; break;
                case Meta: meta = field.Value; break;
            }
        }

        if (sequence is null || timestamp is null || type is null || string.IsNullOrEmpty(key) || !Enum.IsDefined((MemoryChangeType)type.Value))
        {
            problem = "it lacks a valid seq, ts, type or key field";
            return null;
        }

        IReadOnlyDictionary<string, MetadataValue>? metadata = null;
        if (meta is not null)
        {
            try
            {
                metadata = MetadataCodec.Decode(meta).AsReadOnly();
            }
            catch (MemorySerializationException ex)
            {
                problem = ex.Message;
                return null;
            }
        }

        problem = null;
        return new MemoryChange
        {
            Sequence = sequence.Value,
            Key = key,
            ChangeType = (MemoryChangeType)type.Value,
            Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(timestamp.Value),
            OldValue = old is null ? (ReadOnlyMemory<byte>?)null : new ReadOnlyMemory<byte>(old),
            NewValue = value is null ? (ReadOnlyMemory<byte>?)null : new ReadOnlyMemory<byte>(value),
            Metadata = metadata,
        };
    }

    /// <summary>The sequence number and timestamp of an entry, without decoding the rest; null when malformed.</summary>
    public static (long Sequence, long Timestamp)? Peek(StreamEntry entry)
    {
        var sequence = entry[Sequence];
        var timestamp = entry[Timestamp];
        return sequence.TryParse(out long s) && timestamp.TryParse(out long t) ? (s, t) : null;
    }
}
