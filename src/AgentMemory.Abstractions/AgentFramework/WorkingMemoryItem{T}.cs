namespace AgentMemory;

/// <summary>One item of an agent's working memory.</summary>
/// <typeparam name="T">The type of the value.</typeparam>
/// <remarks>Immutable; thread-safe when <typeparamref name="T"/> is.</remarks>
/// <param name="Key">The item's key.</param>
/// <param name="Value">The value.</param>
/// <param name="Source">Short-term or long-term.</param>
/// <param name="Importance">The importance it was stored with, from 0 to 1.</param>
/// <param name="StoredAt">When it was stored.</param>
public sealed record WorkingMemoryItem<T>(string Key, T Value, WorkingMemorySource Source, double Importance, DateTimeOffset StoredAt);
