namespace AgentMemory.PostgreSql.Vectors;

/// <summary>Data of a <see cref="PostgreSqlEmbeddingStore.Changed"/> event.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class EmbeddingChangedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="kind">What happened.</param>
    /// <param name="id">The embedding concerned, or null for <see cref="EmbeddingChangeKind.Resynchronized"/> and <see cref="EmbeddingChangeKind.Disconnected"/>.</param>
    public EmbeddingChangedEventArgs(EmbeddingChangeKind kind, string? id)
    {
        Kind = kind;
        Id = id;
    }

    /// <summary>What happened.</summary>
    public EmbeddingChangeKind Kind { get; }

    /// <summary>The embedding concerned, or null when the change is not about one embedding.</summary>
    public string? Id { get; }
}
