namespace AgentMemory;

/// <summary>The outcome of <see cref="IMemoryResponses.Validate"/>.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record MemoryResponseValidation
{
    /// <summary>True when there are no <see cref="Errors"/>.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>What is wrong, one message per problem.</summary>
    public required IReadOnlyList<string> Errors { get; init; }
}
