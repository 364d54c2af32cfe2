using Microsoft.Data.Sqlite;

namespace AgentMemory.Benchmarks.Tiers;

/// <summary>
/// The peer: plain Microsoft.Data.Sqlite writing the same rows as the long-term tier (the same 11-column table,
/// WAL mode, <c>synchronous=FULL</c>) with one prepared statement; the floor for what the tier's own code adds.
/// </summary>
internal sealed class RawSqlite : IDisposable
{
    private const string Columns = "key, kind, payload, compressed, metadata, priority, created, updated, last_access, expires, access_count";
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _select;
    private readonly SqliteParameter _selectKey;

    public RawSqlite(string path)
    {
        _connection = new SqliteConnection($"Data Source={path};Pooling=False");
        _connection.Open();
        Execute($"""
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=FULL;
            CREATE TABLE IF NOT EXISTS entries (
                key TEXT PRIMARY KEY, kind INTEGER NOT NULL, payload BLOB NOT NULL, compressed INTEGER NOT NULL,
                metadata BLOB, priority INTEGER NOT NULL, created INTEGER NOT NULL, updated INTEGER NOT NULL,
                last_access INTEGER NOT NULL, expires INTEGER NOT NULL, access_count INTEGER NOT NULL) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS entries_expires ON entries(expires) WHERE expires < 9223372036854775807;
            """);
        _select = _connection.CreateCommand();
        _select.CommandText = $"SELECT {Columns} FROM entries WHERE key = $key;";
        _selectKey = _select.Parameters.Add("$key", SqliteType.Text);
        _select.Prepare();
    }

    /// <summary>Inserts (or replaces) every row in one transaction.</summary>
    public void InsertAll(string[] keys, byte[][] values) => InsertAll(keys, values, upsert: false);

    /// <summary>
    /// Inserts every row in one transaction; with <paramref name="upsert"/> an existing row is rewritten in place
    /// (<c>ON CONFLICT DO UPDATE</c>, as the long-term tier does) instead of deleted and re-inserted.
    /// </summary>
    public void InsertAll(string[] keys, byte[][] values, bool upsert)
    {
        using var transaction = _connection.BeginTransaction();
        using var insert = _connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = upsert
            ? $"INSERT INTO entries ({Columns}) VALUES ($key, 0, $payload, 0, NULL, 1, $now, $now, $now, 9223372036854775807, 0) ON CONFLICT(key) DO UPDATE SET kind = excluded.kind, payload = excluded.payload, compressed = excluded.compressed, metadata = excluded.metadata, priority = excluded.priority, created = excluded.created, updated = excluded.updated, last_access = excluded.last_access, expires = excluded.expires, access_count = excluded.access_count;"
            : $"INSERT OR REPLACE INTO entries ({Columns}) VALUES ($key, 0, $payload, 0, NULL, 1, $now, $now, $now, 9223372036854775807, 0);";
        var key = insert.Parameters.Add("$key", SqliteType.Text);
        var payload = insert.Parameters.Add("$payload", SqliteType.Blob);
        var now = insert.Parameters.Add("$now", SqliteType.Integer);
        insert.Prepare();
        now.Value = DateTime.UtcNow.Ticks;
        for (var i = 0; i < keys.Length; i++)
        {
            key.Value = keys[i];
            payload.Value = values[i];
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>Reads one row's payload.</summary>
    public byte[]? Get(string key)
    {
        _selectKey.Value = key;
        using var reader = _select.ExecuteReader();
        return reader.Read() ? (byte[])reader.GetValue(2) : null;
    }

    public void Dispose()
    {
        _select.Dispose();
        _connection.Dispose();
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
