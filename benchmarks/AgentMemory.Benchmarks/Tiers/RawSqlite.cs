using Microsoft.Data.Sqlite;

namespace AgentMemory.Benchmarks.Tiers;

/// <summary>
/// The peer: plain Microsoft.Data.Sqlite on a key/value table in WAL mode with <c>synchronous=FULL</c>, the same
/// settings the write-through tier uses; what a user would write by hand.
/// </summary>
internal sealed class RawSqlite : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _select;
    private readonly SqliteParameter _selectKey;

    public RawSqlite(string path)
    {
        _connection = new SqliteConnection($"Data Source={path};Pooling=False");
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;");
        _select = _connection.CreateCommand();
        _select.CommandText = "SELECT value FROM kv WHERE key = $key;";
        _selectKey = _select.Parameters.Add("$key", SqliteType.Text);
        _select.Prepare();
    }

    /// <summary>Inserts (or replaces) every row in one transaction.</summary>
    public void InsertAll(string[] keys, byte[][] values)
    {
        using var transaction = _connection.BeginTransaction();
        using var insert = _connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT OR REPLACE INTO kv (key, value) VALUES ($key, $value);";
        var key = insert.Parameters.Add("$key", SqliteType.Text);
        var value = insert.Parameters.Add("$value", SqliteType.Blob);
        insert.Prepare();
        for (var i = 0; i < keys.Length; i++)
        {
            key.Value = keys[i];
            value.Value = values[i];
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    public byte[]? Get(string key)
    {
        _selectKey.Value = key;
        return _select.ExecuteScalar() as byte[];
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
