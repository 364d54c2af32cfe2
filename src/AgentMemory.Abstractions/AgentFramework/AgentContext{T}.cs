namespace AgentMemory;

/// <summary>A context stored with <see cref="IAgentMemory.SetContextAsync{T}"/>.</summary>
/// <typeparam name="T">The type of the context data.</typeparam>
/// <remarks>Immutable; thread-safe when <typeparamref name="T"/> is.</remarks>
/// <param name="ContextId">The context.</param>
/// <param name="Data">The context data.</param>
/// <param name="UpdatedAt">When it was last set.</param>
/// <param name="ExpiresAt">When it expires, or null if it does not.</param>
public sealed record AgentContext<T>(string ContextId, T Data, DateTimeOffset UpdatedAt, DateTimeOffset? ExpiresAt);
