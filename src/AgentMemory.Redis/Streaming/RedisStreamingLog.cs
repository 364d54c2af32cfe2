using Microsoft.Extensions.Logging;

namespace AgentMemory.Redis.Streaming;

/// <summary>The Redis streaming service's log messages.</summary>
internal static partial class RedisStreamingLog
{
    [LoggerMessage(EventId = 201, Level = LogLevel.Error, Message = "The handler of subscription '{SubscriptionId}' threw for change {Sequence} (key '{Key}'); the next change will be delivered.")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string subscriptionId, long sequence, string key);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "The handler subscription '{SubscriptionId}' ended because the subscription failed.")]
    public static partial void HandlerSubscriptionFailed(ILogger logger, Exception exception, string subscriptionId);

    [LoggerMessage(EventId = 203, Level = LogLevel.Warning, Message = "Subscription '{SubscriptionId}' cannot read the Redis change log after {Position}; it keeps its position and retries.")]
    public static partial void SubscriptionReadFailed(ILogger logger, Exception exception, string subscriptionId, string position);

    [LoggerMessage(EventId = 204, Level = LogLevel.Information, Message = "Subscription '{SubscriptionId}' reads the Redis change log again, after {Position}.")]
    public static partial void SubscriptionResumed(ILogger logger, string subscriptionId, string position);

    [LoggerMessage(EventId = 205, Level = LogLevel.Warning, Message = "Skipped Redis change record {EntryId}: {Problem}.")]
    public static partial void MalformedRecord(ILogger logger, string entryId, string problem);
}
