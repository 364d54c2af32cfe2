using AgentMemory.PostgreSql.Migrations;

namespace AgentMemory.PostgreSql.LongTerm;

/// <summary>The versioned schema of the long-term tier (component <c>"long_term"</c>). Append new versions; never edit a released one.</summary>
internal static class LongTermMigrations
{
    /// <summary>The migrator's component name.</summary>
    public const string Component = "long_term";

    /// <summary>The table, unqualified.</summary>
    public const string Table = "long_term_entries";

    /// <summary>Every version, in order.</summary>
    public static IReadOnlyList<PostgreSqlMigration> All { get; } =
    [
        new(Component, 1, "long-term entries: one row per key, JSONB metadata (GIN), expiry index", """
            CREATE TABLE {schema}.long_term_entries (
                key          text COLLATE "C" PRIMARY KEY,
                kind         smallint NOT NULL,
                payload      bytea    NOT NULL,
                compressed   boolean  NOT NULL,
                metadata     jsonb,
                metadata_raw bytea,
                priority     smallint NOT NULL,
                created      bigint   NOT NULL,
                updated      bigint   NOT NULL,
                last_access  bigint   NOT NULL,
                expires      bigint   NOT NULL,
                access_count bigint   NOT NULL);
            COMMENT ON COLUMN {schema}.long_term_entries.metadata IS 'Entry metadata as JSON: integers without a fraction, doubles always with one. NULL when the entry has none, or when metadata_raw holds it.';
            COMMENT ON COLUMN {schema}.long_term_entries.metadata_raw IS 'Metadata JSON cannot carry exactly (text containing U+0000, negative zero), as the engine''s MessagePack map; not queryable.';
            COMMENT ON COLUMN {schema}.long_term_entries.expires IS 'Expiry in .NET UTC ticks of the writer''s TimeProvider; 9223372036854775807 for never.';
            CREATE INDEX long_term_entries_metadata ON {schema}.long_term_entries USING gin (metadata jsonb_path_ops);
            CREATE INDEX long_term_entries_expires ON {schema}.long_term_entries (expires) WHERE expires < 9223372036854775807;
            """),
    ];
}
