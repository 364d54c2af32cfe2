using System.Collections.Concurrent;
using System.Globalization;
using Npgsql;

namespace AgentMemory.PostgreSql.Records;

/// <summary>
/// The monthly range partitions of one table partitioned by a <c>timestamptz</c> column: named
/// <c>{table}_yYYYYmMM</c>, created on demand for the month being written (under an advisory lock, so processes
/// creating the same month at once do not collide) and dropped whole by retention.
/// </summary>
/// <remarks>Thread-safe; the set of months known to exist is a per-process cache that a failed insert refreshes.</remarks>
internal sealed class MonthlyPartitions(RecordsDatabase database, string table)
{
    private readonly ConcurrentDictionary<int, bool> _known = new();

    public string Table => table;

    /// <summary>The first instant of the month holding <paramref name="instant"/>, in UTC.</summary>
    public static DateTimeOffset MonthStart(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
    }

    /// <summary>
    /// Makes sure the partition holding <paramref name="instant"/> exists (a no-op after the first call per month).
    /// Inside the caller's <paramref name="transaction"/> when one is given: should it roll back, the caller must
    /// <see cref="Forget"/>.
    /// </summary>
    public async Task EnsureAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, DateTimeOffset instant, CancellationToken cancellationToken)
    {
        var start = MonthStart(instant);
        var month = (start.Year * 12) + start.Month;
        if (_known.ContainsKey(month))
        {
            return;
        }

        var sql = database.Sql($$"""
            SELECT pg_advisory_xact_lock(@lock);
            CREATE TABLE IF NOT EXISTS {schema}.{{Name(start)}} PARTITION OF {schema}.{{table}}
                FOR VALUES FROM ('{{Literal(start)}}') TO ('{{Literal(start.AddMonths(1))}}');
            """);
        var own = transaction is null ? await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false) : null;
        try
        {
            using var command = database.Command(connection, sql, transaction ?? own);
            command.Parameters.AddWithValue("lock", RecordsDatabase.LockKey($"agentmemory.partitions:{database.Schema}.{table}"));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (own is not null)
            {
                await own.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync().ConfigureAwait(false);
            }
        }

        _known[month] = true;
    }

    /// <summary>Forgets the cached months, after an insert found its partition missing (dropped by another process).</summary>
    public void Forget() => _known.Clear();

    /// <summary>Lists the existing partitions with the month each starts.</summary>
    public async Task<List<(string Name, DateTimeOffset Start)>> ListAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        const string Sql = """
            SELECT c.relname FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid
            JOIN pg_class p ON p.oid = i.inhparent
            JOIN pg_namespace n ON n.oid = p.relnamespace
            WHERE n.nspname = @schema AND p.relname = @table
            """;
        using var command = database.Command(connection, Sql, transaction);
        command.Parameters.AddWithValue("schema", database.Schema);
        command.Parameters.AddWithValue("table", table);
        var result = new List<(string, DateTimeOffset)>();
        foreach (var name in await RecordsDatabase.ReadAllAsync(command, static reader => reader.GetString(0), cancellationToken).ConfigureAwait(false))
        {
            if (TryParse(name, out var start))
            {
                result.Add((name, start));
            }
        }

        result.Sort((a, b) => a.Item2.CompareTo(b.Item2));
        return result;
    }

    /// <summary>The partitions every row of which is older than <paramref name="cutoff"/> (their month ended at or before it).</summary>
    public static List<(string Name, DateTimeOffset Start)> Expired(List<(string Name, DateTimeOffset Start)> partitions, DateTimeOffset cutoff) =>
        partitions.Where(p => p.Start.AddMonths(1) <= cutoff).ToList();

    /// <summary>Drops partitions inside the caller's transaction.</summary>
    public async Task DropAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<string> names, CancellationToken cancellationToken)
    {
        foreach (var name in names)
        {
            using var drop = database.Command(connection, database.Sql($"DROP TABLE IF EXISTS {{schema}}.\"{name}\""), transaction);
            await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        Forget();
    }

    private string Name(DateTimeOffset start) => string.Create(CultureInfo.InvariantCulture, $"\"{table}_y{start.Year:D4}m{start.Month:D2}\"");

    private static string Literal(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'+00'", CultureInfo.InvariantCulture);

    private bool TryParse(string name, out DateTimeOffset start)
    {
        start = default;
        var prefix = table + "_y";
        if (!name.StartsWith(prefix, StringComparison.Ordinal) || name.Length != prefix.Length + 7 || name[prefix.Length + 4] != 'm')
        {
            return false;
        }

        if (!int.TryParse(name.AsSpan(prefix.Length, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(name.AsSpan(prefix.Length + 5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var month)
            || month is < 1 or > 12 || year < 1)
        {
            return false;
        }

        start = new DateTimeOffset(year, month, 1, 0, 0, 0, TimeSpan.Zero);
        return true;
    }
}
