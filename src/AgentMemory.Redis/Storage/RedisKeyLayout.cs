using System.Text;
using StackExchange.Redis;

namespace AgentMemory.Redis.Storage;

/// <summary>
/// Where a store's data lives in Redis, all under <see cref="RedisMemoryOptions.KeyPrefix"/> (written P below):
/// <c>P d:{key}</c> the entry's value in its native type (string, hash or list), <c>P m:{key}</c> its companion
/// metadata hash, <c>P __stats</c> the shared counters, <c>P __expiry</c> the expiry index, and the change stream
/// <c>P __changes</c> with its sequence <c>P __changes:seq</c> and channel <c>P __changes:notify</c>.
/// The <c>d:</c> and <c>m:</c> sub-namespaces keep user keys from colliding with each other's metadata or with the
/// store's own keys. Immutable and thread-safe.
/// </summary>
internal sealed class RedisKeyLayout
{
    public RedisKeyLayout(string prefix)
    {
        Prefix = prefix;
        DataPrefix = prefix + "d:";
        MetaPrefix = prefix + "m:";
        DataPrefixByteLength = Encoding.UTF8.GetByteCount(DataPrefix);
        Stats = prefix + "__stats";
        Expiry = prefix + "__expiry";
        Changes = prefix + "__changes";
        ChangeSequence = prefix + "__changes:seq";
        NotifyChannel = prefix + "__changes:notify";
    }

    public string Prefix { get; }

    public string DataPrefix { get; }

    public string MetaPrefix { get; }

    public int DataPrefixByteLength { get; }

    public RedisKey Stats { get; }

    public RedisKey Expiry { get; }

    public RedisKey Changes { get; }

    public RedisKey ChangeSequence { get; }

    public string NotifyChannel { get; }

    public RedisKey Data(string key) => DataPrefix + key;

    public RedisKey Meta(string key) => MetaPrefix + key;

    /// <summary>The keys of a single-entry script: the four shared keys, then the entry's data and metadata keys.</summary>
    public RedisKey[] EntryKeys(string key) => [Stats, Expiry, Changes, ChangeSequence, Data(key), Meta(key)];

    /// <summary>The keys of a many-entry script.</summary>
    public RedisKey[] EntryKeys(IReadOnlyList<string> keys)
    {
        var result = new RedisKey[4 + (2 * keys.Count)];
        result[0] = Stats;
        result[1] = Expiry;
        result[2] = Changes;
        result[3] = ChangeSequence;
        for (var i = 0; i < keys.Count; i++)
        {
            result[4 + (2 * i)] = Data(keys[i]);
            result[5 + (2 * i)] = Meta(keys[i]);
        }

        return result;
    }

    /// <summary>
    /// A Redis MATCH pattern over data keys that every key matching <paramref name="glob"/> satisfies: the glob's literal
    /// head, escaped, then <c>*</c>. Redis matches bytes, not characters, so the exact glob is applied by the client.
    /// </summary>
    public string DataMatch(string? glob) => Escape(DataPrefix) + Escape(LiteralHead(glob)) + "*";

    /// <summary>A MATCH pattern over every metadata key.</summary>
    public string MetaMatch() => Escape(MetaPrefix) + "*";

    private static string LiteralHead(string? glob)
    {
        if (glob is null)
        {
            return string.Empty;
        }

        var head = new StringBuilder();
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c is '*' or '?' or '[')
            {
                break;
            }

            if (c == '\\' && i + 1 < glob.Length)
            {
                c = glob[++i];
            }

            head.Append(c);
        }

        return head.ToString();
    }

    private static string Escape(string literal)
    {
        var escaped = new StringBuilder(literal.Length);
        foreach (var c in literal)
        {
            if (c is '*' or '?' or '[' or ']' or '\\')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }
}
