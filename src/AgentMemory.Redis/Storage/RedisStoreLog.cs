using Microsoft.Extensions.Logging;

namespace AgentMemory.Redis.Storage;

/// <summary>The Redis store's log messages.</summary>
internal static partial class RedisStoreLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "The Redis store's expiry pass failed; it runs again at the next interval.")]
    public static partial void SweepFailed(ILogger logger, Exception exception);
}
