namespace AgentMemory.PostgreSql.Migrations;

/// <summary>
/// One versioned schema change of one component (e.g. <c>"long_term"</c>, <c>"audit"</c>). <see cref="Sql"/> may use
/// <c>{schema}</c>, replaced by the quoted schema name. Versions of a component start at 1 and are applied in order, each
/// exactly once.
/// </summary>
internal sealed record PostgreSqlMigration(string Component, int Version, string Description, string Sql);
