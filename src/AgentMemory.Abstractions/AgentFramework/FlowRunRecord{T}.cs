namespace AgentMemory;

/// <summary>One entry of a flow's run history, written with <see cref="IAgentMemory.WriteFlowRunAsync{T}"/>.</summary>
/// <typeparam name="T">The type of the run data.</typeparam>
/// <remarks>Immutable; thread-safe when <typeparamref name="T"/> is.</remarks>
/// <param name="FlowId">The flow.</param>
/// <param name="RunId">The run.</param>
/// <param name="Sequence">The entry's position in the flow's history, from 1.</param>
/// <param name="WrittenAt">When it was written.</param>
/// <param name="Data">The run data (status, duration, results...).</param>
public sealed record FlowRunRecord<T>(string FlowId, string RunId, long Sequence, DateTimeOffset WrittenAt, T Data);
