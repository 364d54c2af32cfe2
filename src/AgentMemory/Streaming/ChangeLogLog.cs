using Microsoft.Extensions.Logging;

namespace AgentMemory.Streaming;

/// <summary>The durable change log's log messages.</summary>
internal static partial class ChangeLogLog
{
    [LoggerMessage(EventId = 111, Level = LogLevel.Error, Message = "The change log in '{Path}' could not commit buffered changes; they are kept for the next flush.")]
    public static partial void FlushFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 112, Level = LogLevel.Error, Message = "The change log in '{Path}' could not reserve sequence numbers; it retries at the next change.")]
    public static partial void ReserveFailed(ILogger logger, Exception exception, string path);
}
