using AgentMemory.Persistence;

namespace AgentMemory.PostgreSql.LongTerm;

/// <summary>
/// Settings of a tiered store whose long-term tier is PostgreSQL: the connection (<see cref="Connection"/>) plus the
/// tier-independent <see cref="TieredStoreOptions"/> (durability, write-behind, sweep, compression, archive,
/// consolidation). Used by <c>AddPostgreSqlPersistence</c>.
/// </summary>
/// <remarks>A plain settings object, copied when the store opens; not thread-safe to mutate while a store is being created from it.</remarks>
public sealed class PostgreSqlPersistenceOptions : TieredStoreOptions
{
    /// <summary>The connection string, schema, command timeout and whether to run migrations. <see cref="PostgreSqlMemoryOptions.ConnectionString"/> is required.</summary>
    public PostgreSqlMemoryOptions Connection { get; } = new();

    /// <inheritdoc />
    public override IReadOnlyList<string> Validate()
    {
        var errors = new List<string>(Connection.Validate());
        errors.AddRange(base.Validate());
        return errors;
    }
}
