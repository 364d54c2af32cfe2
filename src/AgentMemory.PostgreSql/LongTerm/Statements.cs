namespace AgentMemory.PostgreSql.LongTerm;

/// <summary>The SQL of the long-term tier for one qualified table name, built once.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
internal sealed class Statements(string table)
{
    public const string Columns = "key, kind, payload, compressed, metadata, metadata_raw, priority, created, updated, last_access, expires, access_count";

    public string Get { get; } = $"SELECT {Columns} FROM {table} WHERE key = @key AND expires > @now";

    public string Count { get; } = $"SELECT count(*) FROM {table} WHERE expires > @now";

    public string Upsert { get; } = $"""
        INSERT INTO {table} ({Columns})
        SELECT * FROM unnest(@key, @kind, @payload, @compressed, @metadata, @metadata_raw, @priority, @created, @updated, @last_access, @expires, @access_count)
        ON CONFLICT (key) DO UPDATE SET
            kind = EXCLUDED.kind, payload = EXCLUDED.payload, compressed = EXCLUDED.compressed, metadata = EXCLUDED.metadata,
            metadata_raw = EXCLUDED.metadata_raw, priority = EXCLUDED.priority, created = EXCLUDED.created, updated = EXCLUDED.updated,
            last_access = EXCLUDED.last_access, expires = EXCLUDED.expires, access_count = EXCLUDED.access_count
        """;

    public string DeleteMany { get; } = $"DELETE FROM {table} WHERE key = ANY(@keys)";

    public string Delete { get; } = $"DELETE FROM {table} WHERE key = @key";

    public string UpdateAccess { get; } = $"""
        UPDATE {table} AS t SET access_count = GREATEST(t.access_count, u.access_count), last_access = GREATEST(t.last_access, u.last_access)
        FROM unnest(@key, @access_count, @last_access) AS u(key, access_count, last_access)
        WHERE t.key = u.key
        """;

    public string DeleteAll { get; } = $"WITH gone AS (DELETE FROM {table} RETURNING expires) SELECT count(*) FILTER (WHERE expires > @now) FROM gone";

    public string Clear { get; } = $"DELETE FROM {table}";

    public string RemoveExpired { get; } = $"DELETE FROM {table} WHERE key IN (SELECT key FROM {table} WHERE expires <= @now AND expires < 9223372036854775807 ORDER BY expires LIMIT @max)";

    public string KeysFirst { get; } = $"SELECT key FROM {table} WHERE key LIKE @like AND expires > @now ORDER BY key LIMIT @limit";

    public string KeysNext { get; } = $"SELECT key FROM {table} WHERE key LIKE @like AND key > @last AND expires > @now ORDER BY key LIMIT @limit";

    public string All { get; } = $"SELECT {Columns} FROM {table} WHERE expires > @now ORDER BY key";

    public string AllWithoutPayload { get; } = $"SELECT key, kind, ''::bytea, false, metadata, metadata_raw, priority, created, updated, last_access, expires, access_count, length(payload) FROM {table} WHERE expires > @now";

    public string FindByMetadata { get; } = $"SELECT key FROM {table} WHERE metadata @> @filter AND expires > @now ORDER BY key LIMIT @limit";
}
