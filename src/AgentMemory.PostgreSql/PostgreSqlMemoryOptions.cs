namespace AgentMemory.PostgreSql;

/// <summary>How an AgentMemory backend connects to PostgreSQL and which schema holds its tables.</summary>
/// <remarks>A plain settings object, copied when a store is created from it; not thread-safe to mutate while one is being created.</remarks>
public sealed class PostgreSqlMemoryOptions
{
    /// <summary>An Npgsql connection string, e.g. <c>Host=localhost;Username=app;Password=...;Database=agents</c>. Required.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>The schema that holds every table this library creates; created by the first migration when missing. Default <c>"agentmemory"</c>.</summary>
    public string Schema { get; set; } = "agentmemory";

    /// <summary>How long one command may run before it fails with a <see cref="MemoryStorageException"/>. Default 30 seconds.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether opening a store runs the library's pending schema migrations. Default true.</summary>
    public bool RunMigrations { get; set; } = true;

    /// <summary>Checks every setting; returns one message per invalid one, naming it.</summary>
    /// <returns>The problems found; empty when the options are valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            errors.Add("PostgreSqlMemoryOptions.ConnectionString must be an Npgsql connection string, e.g. \"Host=localhost;Username=app;Database=agents\".");
        }

        if (string.IsNullOrWhiteSpace(Schema) || !IsIdentifier(Schema))
        {
            errors.Add($"PostgreSqlMemoryOptions.Schema must be a plain identifier (letters, digits and underscores, not starting with a digit, at most 63 characters), but was \"{Schema}\".");
        }

        if (CommandTimeout <= TimeSpan.Zero)
        {
            errors.Add($"PostgreSqlMemoryOptions.CommandTimeout must be positive, but was {CommandTimeout}.");
        }

        return errors;
    }

    /// <summary>Returns an independent copy.</summary>
    /// <returns>The copy.</returns>
    public PostgreSqlMemoryOptions Clone() => (PostgreSqlMemoryOptions)MemberwiseClone();

    private static bool IsIdentifier(string name) =>
        name.Length <= 63 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
