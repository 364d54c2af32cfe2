using AgentMemory.Vectors;

namespace AgentMemory.PostgreSql.Records;

/// <summary>
/// Settings of the PostgreSQL record stores: workflow events, the audit log, flow-run history and task outputs, and
/// embeddings. Each store copies the options when it is created.
/// </summary>
/// <remarks>A plain settings object; not thread-safe to mutate while a store is being created from it.</remarks>
public sealed class PostgreSqlRecordsOptions
{
    /// <summary>An Npgsql connection string. Required by <c>AddPostgreSqlRecords</c>; a store given an <c>NpgsqlDataSource</c> ignores it.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>The schema that holds the record tables; created by the first migration when missing. Default <c>"agentmemory"</c>.</summary>
    public string Schema { get; set; } = "agentmemory";

    /// <summary>How long one command may run before it fails with a <see cref="MemoryStorageException"/>. Default 30 seconds.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether a store runs its pending schema migrations before its first command. Default true.</summary>
    public bool RunMigrations { get; set; } = true;

    /// <summary>How long a finished workflow is kept when <c>FinishAsync</c> does not say. Default 7 days.</summary>
    public TimeSpan WorkflowRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// The key that authenticates the audit chain's head and anchor (HMAC-SHA256): at least 32 bytes, separate from
    /// every data key. Required for the audit log; null leaves the audit log unregistered in DI.
    /// </summary>
    public byte[]? AuditHmacKey { get; set; }

    /// <summary>How long audit entries are kept: whole monthly partitions older than this are dropped by <c>ApplyRetentionAsync</c>. Null keeps them forever (the default).</summary>
    public TimeSpan? AuditRetention { get; set; }

    /// <summary>How long flow-run history is kept: whole monthly partitions older than this are dropped by <c>ApplyRetentionAsync</c>. Null keeps it forever (the default).</summary>
    public TimeSpan? FlowRunRetention { get; set; }

    /// <summary>The length of every embedding in the embedding store. Default 384 (a common small sentence-embedding size).</summary>
    public int EmbeddingDimensions { get; set; } = 384;

    /// <summary>How the embedding store measures closeness. Default cosine similarity.</summary>
    public VectorMetric EmbeddingMetric { get; set; } = VectorMetric.Cosine;

    /// <summary>How long the embedding store's listener waits before reconnecting after its connection dropped. Default 1 second.</summary>
    public TimeSpan EmbeddingReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Checks every setting; returns one message per invalid one, naming it.</summary>
    /// <param name="requireConnectionString">Whether <see cref="ConnectionString"/> must be set (true when a store creates its own data source).</param>
    /// <returns>The problems found; empty when the options are valid.</returns>
    public IReadOnlyList<string> Validate(bool requireConnectionString = false)
    {
        var errors = new List<string>();
        if (requireConnectionString && string.IsNullOrWhiteSpace(ConnectionString))
        {
            errors.Add("PostgreSqlRecordsOptions.ConnectionString must be an Npgsql connection string, e.g. \"Host=localhost;Username=app;Database=agents\".");
        }

        if (string.IsNullOrWhiteSpace(Schema) || !IsIdentifier(Schema))
        {
            errors.Add($"PostgreSqlRecordsOptions.Schema must be a plain identifier (letters, digits and underscores, not starting with a digit, at most 63 characters), but was \"{Schema}\".");
        }

        if (CommandTimeout <= TimeSpan.Zero)
        {
            errors.Add($"PostgreSqlRecordsOptions.CommandTimeout must be positive, but was {CommandTimeout}.");
        }

        if (WorkflowRetention <= TimeSpan.Zero)
        {
            errors.Add($"PostgreSqlRecordsOptions.WorkflowRetention must be positive, but was {WorkflowRetention}.");
        }

        if (AuditHmacKey is { Length: < 32 })
        {
            errors.Add($"PostgreSqlRecordsOptions.AuditHmacKey must be at least 32 bytes (256 bits), but has {AuditHmacKey.Length}.");
        }

        if (AuditRetention <= TimeSpan.Zero)
        {
            errors.Add($"PostgreSqlRecordsOptions.AuditRetention must be positive or null, but was {AuditRetention}.");
        }

        if (FlowRunRetention <= TimeSpan.Zero)
        {
            errors.Add($"PostgreSqlRecordsOptions.FlowRunRetention must be positive or null, but was {FlowRunRetention}.");
        }

        if (EmbeddingDimensions < 1)
        {
            errors.Add($"PostgreSqlRecordsOptions.EmbeddingDimensions must be at least 1, but was {EmbeddingDimensions}.");
        }

        if (!Enum.IsDefined(EmbeddingMetric))
        {
            errors.Add($"PostgreSqlRecordsOptions.EmbeddingMetric must be a defined VectorMetric, but was {EmbeddingMetric}.");
        }

        if (EmbeddingReconnectDelay <= TimeSpan.Zero)
        {
            errors.Add($"PostgreSqlRecordsOptions.EmbeddingReconnectDelay must be positive, but was {EmbeddingReconnectDelay}.");
        }

        return errors;
    }

    /// <summary>Returns an independent copy (the audit key array is copied too).</summary>
    /// <returns>The copy.</returns>
    public PostgreSqlRecordsOptions Clone()
    {
        var copy = (PostgreSqlRecordsOptions)MemberwiseClone();
        copy.AuditHmacKey = AuditHmacKey?.ToArray();
        return copy;
    }

    internal PostgreSqlRecordsOptions ValidatedCopy(string parameterName)
    {
        var errors = Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), parameterName);
        }

        return Clone();
    }

    private static bool IsIdentifier(string name) =>
        name.Length <= 63 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
