using AgentMemory.PostgreSql.Migrations;

namespace AgentMemory.PostgreSql.Audit;

/// <summary>The versioned schema of the <c>"audit"</c> component.</summary>
internal static class AuditMigrations
{
    public static readonly IReadOnlyList<PostgreSqlMigration> All =
    [
        new("audit", 1, "hash-chained audit entries partitioned by month, authenticated head and retention anchor", """
            CREATE TABLE {schema}.audit_entries (
                seq         bigint      NOT NULL,
                appended_at timestamptz NOT NULL,
                ts_ticks    bigint      NOT NULL,
                principal   text        NULL,
                resource    text        NOT NULL,
                action      integer     NOT NULL,
                result      integer     NOT NULL,
                operation   text        NOT NULL,
                detail      text        NULL,
                prev        bytea       NOT NULL,
                hash        bytea       NOT NULL,
                PRIMARY KEY (seq, appended_at)) PARTITION BY RANGE (appended_at);
            CREATE INDEX audit_entries_ts ON {schema}.audit_entries (ts_ticks);
            CREATE INDEX audit_entries_principal ON {schema}.audit_entries (principal, seq);
            CREATE TABLE {schema}.audit_head (
                id          smallint    PRIMARY KEY CHECK (id = 1),
                seq         bigint      NOT NULL,
                hash        bytea       NOT NULL,
                mac         bytea       NOT NULL,
                appended_at timestamptz NOT NULL);
            CREATE TABLE {schema}.audit_anchor (
                id        smallint PRIMARY KEY CHECK (id = 1),
                first_seq bigint   NOT NULL,
                prev      bytea    NOT NULL,
                mac       bytea    NOT NULL);
            """),
    ];
}
