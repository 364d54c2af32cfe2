using Microsoft.Extensions.Logging;

namespace AgentMemory.Storage;

/// <summary>The store's log messages.</summary>
internal static partial class StoreLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "An EntryRemoved handler threw for key '{Key}' ({Reason}); the removal stands.")]
    public static partial void RemovalHandlerFailed(ILogger logger, Exception exception, string key, MemoryRemovalReason reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "The expiry sweep failed; it will run again at the next interval.")]
    public static partial void SweepFailed(ILogger logger, Exception exception);
}
