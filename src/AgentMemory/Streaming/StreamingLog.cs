using Microsoft.Extensions.Logging;

namespace AgentMemory.Streaming;

/// <summary>The streaming service's log messages.</summary>
internal static partial class StreamingLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "The handler of subscription '{SubscriptionId}' threw for change {Sequence} (key '{Key}'); the next change will be delivered.")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string subscriptionId, long sequence, string key);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "The handler subscription '{SubscriptionId}' ended because the subscription failed.")]
    public static partial void HandlerSubscriptionFailed(ILogger logger, Exception exception, string subscriptionId);
}
