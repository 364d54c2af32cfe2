using AgentMemory.PostgreSql.Migrations;

namespace AgentMemory.PostgreSql.History;

/// <summary>The versioned schema of the <c>"history"</c> component.</summary>
internal static class HistoryMigrations
{
    public static readonly IReadOnlyList<PostgreSqlMigration> All =
    [
        new("history", 1, "flow-run history partitioned by month, task outputs, fencing tokens", """
            CREATE TABLE {schema}.flow_heads (
                flow_id  text   PRIMARY KEY,
                last_seq bigint NOT NULL);
            CREATE TABLE {schema}.flow_runs (
                flow_id    text        NOT NULL,
                seq        bigint      NOT NULL,
                run_id     text        NOT NULL,
                written_at timestamptz NOT NULL,
                data       jsonb       NOT NULL,
                PRIMARY KEY (flow_id, seq, written_at)) PARTITION BY RANGE (written_at);
            CREATE INDEX flow_runs_by_run ON {schema}.flow_runs (flow_id, run_id, seq);
            CREATE INDEX flow_runs_data ON {schema}.flow_runs USING GIN (data jsonb_path_ops);
            CREATE TABLE {schema}.task_outputs (
                task_id        text        PRIMARY KEY,
                output         jsonb       NOT NULL,
                metadata       jsonb       NOT NULL DEFAULT '{}',
                metadata_codec bytea       NULL,
                written_at     timestamptz NOT NULL,
                expires_at     timestamptz NULL);
            CREATE INDEX task_outputs_expires_at ON {schema}.task_outputs (expires_at) WHERE expires_at IS NOT NULL;
            CREATE INDEX task_outputs_metadata ON {schema}.task_outputs USING GIN (metadata jsonb_path_ops);
            CREATE TABLE {schema}.fences (
                resource text   PRIMARY KEY,
                token    bigint NOT NULL);
            """),
    ];
}
