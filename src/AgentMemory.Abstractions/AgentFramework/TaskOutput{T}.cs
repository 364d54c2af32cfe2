namespace AgentMemory;

/// <summary>A task's output, written with <see cref="IAgentMemory.WriteTaskOutputAsync{T}"/>.</summary>
/// <typeparam name="T">The type of the output.</typeparam>
/// <remarks>Immutable; thread-safe when <typeparamref name="T"/> is.</remarks>
/// <param name="TaskId">The task.</param>
/// <param name="Output">The output.</param>
/// <param name="Metadata">The metadata written with it (without the library's own fields).</param>
/// <param name="WrittenAt">When it was written.</param>
public sealed record TaskOutput<T>(string TaskId, T Output, IReadOnlyDictionary<string, MetadataValue> Metadata, DateTimeOffset WrittenAt);
