using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace AgentMemory.Redis.Storage;

/// <summary>
/// A Lua script run by its SHA1 digest (EVALSHA), so only the digest travels on the hot path. When the server does
/// not know the script (first use, a restarted or flushed server: NOSCRIPT) it is sent once in full with EVAL, which
/// also caches it on the server again.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
internal sealed class RedisScript
{
    public RedisScript(string name, string text)
    {
        Name = name;
        Text = text;
        Digest = SHA1.HashData(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>A short name, for messages.</summary>
    public string Name { get; }

    /// <summary>The Lua source.</summary>
    public string Text { get; }

    /// <summary>The SHA1 digest the server knows the script by.</summary>
    public byte[] Digest { get; }

    /// <summary>Runs the script: EVALSHA, falling back to EVAL when the server answers NOSCRIPT.</summary>
    public async Task<RedisResult> EvaluateAsync(IDatabaseAsync database, RedisKey[] keys, RedisValue[] values)
    {
        try
        {
            return await database.ScriptEvaluateAsync(Digest, keys, values).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await database.ScriptEvaluateAsync(Text, keys, values).ConfigureAwait(false);
        }
    }
}
