using Microsoft.Extensions.Logging;

namespace AgentMemory.Tiers;

/// <summary>Log messages of the tiered store.</summary>
internal static partial class TierLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Flushing {Count} buffered writes to the long-term tier failed; they stay buffered and are retried.")]
    public static partial void FlushFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "The long-term expiry sweep failed.")]
    public static partial void SweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Recording access statistics of {Count} evicted entries failed; the entries themselves are safe.")]
    public static partial void AccessUpdateFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Error, Message = "A background consolidation pass failed.")]
    public static partial void ConsolidationFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Consolidation ({Trigger}) examined {Examined}, promoted {Promoted}, demoted {Demoted}, archived {Archived}, failed {Failed}.")]
    public static partial void Consolidated(ILogger logger, ConsolidationTrigger trigger, long examined, long promoted, long demoted, long archived, long failed);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Moving '{Key}' between tiers failed (attempt {Attempt}); retrying.")]
    public static partial void TransferRetried(ILogger logger, Exception exception, string key, int attempt);
}
