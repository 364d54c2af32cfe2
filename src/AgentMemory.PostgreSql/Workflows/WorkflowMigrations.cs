using AgentMemory.PostgreSql.Migrations;

namespace AgentMemory.PostgreSql.Workflows;

/// <summary>The versioned schema of the <c>"workflows"</c> component.</summary>
internal static class WorkflowMigrations
{
    public static readonly IReadOnlyList<PostgreSqlMigration> All =
    [
        new("workflows", 1, "workflow instances, events and snapshots", """
            CREATE TABLE {schema}.workflow_instances (
                instance_id text        PRIMARY KEY,
                definition  text        NOT NULL,
                version     bigint      NOT NULL CHECK (version >= 0),
                status      smallint    NOT NULL,
                created_at  timestamptz NOT NULL,
                updated_at  timestamptz NOT NULL,
                expires_at  timestamptz NULL,
                snapshots   bigint[]    NOT NULL DEFAULT '{}');
            CREATE INDEX workflow_instances_expires_at ON {schema}.workflow_instances (expires_at) WHERE expires_at IS NOT NULL;
            CREATE TABLE {schema}.workflow_events (
                instance_id text        NOT NULL REFERENCES {schema}.workflow_instances (instance_id) ON DELETE CASCADE,
                version     bigint      NOT NULL CHECK (version >= 1),
                appended_at timestamptz NOT NULL,
                data        bytea       NOT NULL,
                PRIMARY KEY (instance_id, version));
            CREATE TABLE {schema}.workflow_snapshots (
                instance_id text   NOT NULL REFERENCES {schema}.workflow_instances (instance_id) ON DELETE CASCADE,
                version     bigint NOT NULL,
                data        bytea  NOT NULL,
                PRIMARY KEY (instance_id, version));
            """),
    ];
}
