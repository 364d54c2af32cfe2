namespace AgentMemory;

/// <summary>What a consolidation run did.</summary>
/// <param name="Examined">How many memories were looked at.</param>
/// <param name="Merged">For each surviving memory that absorbed duplicates, the ids of the memories merged into it.</param>
/// <param name="Decayed">How many memories had their importance lowered.</param>
/// <param name="RemovedIds">The ids of memories removed by cleanup.</param>
/// <remarks>An immutable value; thread-safe.</remarks>
public sealed record ConsolidationReport(
    int Examined,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Merged,
    int Decayed,
    IReadOnlyList<string> RemovedIds);
