namespace AgentMemory;

/// <summary>What one consolidation pass did.</summary>
/// <param name="Trigger">What started the pass.</param>
/// <param name="Examined">How many entries the policies were asked about.</param>
/// <param name="Promoted">Long-term entries copied into the hot tier.</param>
/// <param name="Demoted">Hot entries moved to the long-term tier.</param>
/// <param name="Archived">Long-term entries moved to the archive.</param>
/// <param name="Failed">Transfers that still failed after their retries; each such entry stayed where it was.</param>
/// <param name="Errors">One message per failed transfer, naming the key.</param>
/// <param name="Duration">How long the pass took on the store's clock.</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record ConsolidationResult(
    ConsolidationTrigger Trigger,
    long Examined,
    long Promoted,
    long Demoted,
    long Archived,
    long Failed,
    IReadOnlyList<string> Errors,
    TimeSpan Duration);
