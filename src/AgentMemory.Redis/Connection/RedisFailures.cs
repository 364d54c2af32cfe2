using StackExchange.Redis;

namespace AgentMemory.Redis.Connection;

/// <summary>Recognizes StackExchange.Redis failures and turns them into the library's exceptions with a clear message.</summary>
internal static class RedisFailures
{
    /// <summary>Whether <paramref name="exception"/> is a failure of the Redis connection or server (not a bug of ours).</summary>
    public static bool IsRedisFailure(Exception exception) =>
        exception is RedisException or RedisTimeoutException or RedisConnectionException;

    /// <summary>A storage failure saying what was being done.</summary>
    public static MemoryStorageException Storage(string operation, Exception exception) =>
        new($"Redis failed while {operation}: {exception.Message} The operation did not complete; it can be retried once the server is reachable.", exception);

    /// <summary>A stream failure saying what was being done.</summary>
    public static MemoryStreamException Stream(string operation, Exception exception) =>
        new($"Redis failed while {operation}: {exception.Message} The operation did not complete; it can be retried once the server is reachable.", exception);
}
