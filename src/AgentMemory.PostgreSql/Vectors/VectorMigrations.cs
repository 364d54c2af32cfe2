using AgentMemory.PostgreSql.Migrations;

namespace AgentMemory.PostgreSql.Vectors;

/// <summary>The versioned schema of the <c>"vectors"</c> component: embeddings as <c>real[]</c>, and a trigger that announces every change.</summary>
internal static class VectorMigrations
{
    /// <summary>The channel every schema's embeddings trigger notifies on; the payload is the schema, a newline, and the id (empty after a TRUNCATE).</summary>
    public const string Channel = "agentmemory_embeddings";

    public static readonly IReadOnlyList<PostgreSqlMigration> All =
    [
        new("vectors", 1, "embeddings as real[] with jsonb metadata, change notifications", """
            CREATE TABLE {schema}.embeddings (
                id             text        PRIMARY KEY,
                dimensions     integer     NOT NULL,
                vector         real[]      NOT NULL,
                metadata       jsonb       NOT NULL DEFAULT '{}',
                metadata_codec bytea       NULL,
                updated_at     timestamptz NOT NULL,
                CHECK (cardinality(vector) = dimensions));
            CREATE INDEX embeddings_metadata ON {schema}.embeddings USING GIN (metadata jsonb_path_ops);
            CREATE FUNCTION {schema}.embeddings_notify() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
                IF TG_LEVEL = 'STATEMENT' THEN
                    PERFORM pg_notify('agentmemory_embeddings', TG_TABLE_SCHEMA || chr(10));
                ELSIF TG_OP = 'DELETE' THEN
                    PERFORM pg_notify('agentmemory_embeddings', TG_TABLE_SCHEMA || chr(10) || OLD.id);
                ELSE
                    PERFORM pg_notify('agentmemory_embeddings', TG_TABLE_SCHEMA || chr(10) || NEW.id);
                END IF;
                RETURN NULL;
            END
            $fn$;
            CREATE TRIGGER embeddings_changed AFTER INSERT OR UPDATE OR DELETE ON {schema}.embeddings
                FOR EACH ROW EXECUTE FUNCTION {schema}.embeddings_notify();
            CREATE TRIGGER embeddings_truncated AFTER TRUNCATE ON {schema}.embeddings
                FOR EACH STATEMENT EXECUTE FUNCTION {schema}.embeddings_notify();
            """),
    ];
}
