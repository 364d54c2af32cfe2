namespace AgentMemory;

/// <summary>The result of <see cref="IMemoryOperations.ExecuteBatchAsync"/>: one outcome per operation, in order.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class MemoryBatchResult
{
    /// <summary>Creates a result from the outcomes of a batch.</summary>
    /// <param name="outcomes">One outcome per operation, in batch order.</param>
    /// <exception cref="ArgumentNullException"><paramref name="outcomes"/> is null.</exception>
    public MemoryBatchResult(IReadOnlyList<MemoryBatchOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        Outcomes = outcomes;
        foreach (var outcome in outcomes)
        {
            if (outcome.Succeeded)
            {
                SuccessCount++;
            }
        }
    }

    /// <summary>One outcome per operation, in batch order.</summary>
    public IReadOnlyList<MemoryBatchOutcome> Outcomes { get; }

    /// <summary>How many operations succeeded.</summary>
    public int SuccessCount { get; }

    /// <summary>How many operations failed.</summary>
    public int FailureCount => Outcomes.Count - SuccessCount;

    /// <summary>Whether every operation succeeded.</summary>
    public bool AllSucceeded => FailureCount == 0;
}
