namespace AgentMemory;

/// <summary>One stored event of a workflow instance.</summary>
/// <typeparam name="TEvent">The event type.</typeparam>
/// <remarks>Immutable; thread-safe when <typeparamref name="TEvent"/> is.</remarks>
/// <param name="Version">The event's position: the first event is version 1.</param>
/// <param name="Timestamp">When it was appended.</param>
/// <param name="Event">The event.</param>
public sealed record WorkflowEvent<TEvent>(long Version, DateTimeOffset Timestamp, TEvent Event);
