namespace AgentMemory.PostgreSql.Vectors;

/// <summary>What a <see cref="PostgreSqlEmbeddingStore.Changed"/> event reports.</summary>
public enum EmbeddingChangeKind
{
    /// <summary>An embedding was added or replaced in the local index (after a notification, from any process).</summary>
    Upserted = 0,

    /// <summary>An embedding was removed from the local index (after a notification, from any process).</summary>
    Deleted = 1,

    /// <summary>The local index was reloaded from the table: at start, and after the listener reconnected (recovering notifications missed while it was down).</summary>
    Resynchronized = 2,

    /// <summary>The listener lost its connection; queries are served from the last known state until it reconnects and resynchronizes.</summary>
    Disconnected = 3,
}
