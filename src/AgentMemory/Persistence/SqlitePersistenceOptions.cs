namespace AgentMemory.Persistence;

/// <summary>Settings of the durable tiers over SQLite: the database file, plus the tier-independent <see cref="TieredStoreOptions"/> (durability, archive, consolidation).</summary>
/// <remarks>A plain settings object, copied by the store when it opens; not thread-safe to mutate while a store is being created from it.</remarks>
public sealed class SqlitePersistenceOptions : TieredStoreOptions
{
    /// <summary>The SQLite database file of the long-term tier; created when missing. Required.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>Whether opening runs SQLite's quick integrity check (a corrupt file then fails to open with a clear error). Default true.</summary>
    public bool VerifyOnOpen { get; set; } = true;

    /// <inheritdoc />
    public override IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Path))
        {
            errors.Add("SqlitePersistenceOptions.Path must name the database file.");
        }

        errors.AddRange(base.Validate());
        return errors;
    }

    /// <summary>A copy that later changes to this instance do not affect.</summary>
    internal SqlitePersistenceOptions Clone()
    {
        var copy = new SqlitePersistenceOptions { Path = Path, VerifyOnOpen = VerifyOnOpen };
        CopyTo(copy);
        return copy;
    }
}
