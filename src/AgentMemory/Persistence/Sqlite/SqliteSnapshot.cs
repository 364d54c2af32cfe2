using Microsoft.Data.Sqlite;

namespace AgentMemory.Persistence.Sqlite;

/// <summary>
/// A point-in-time read of every live row: the WAL read snapshot is fixed when the cursor is created (its first row is
/// read then), so rows written afterwards are not seen. Enumerate once; dispose to release the snapshot.
/// </summary>
internal sealed class SqliteSnapshot : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;
    private readonly SqliteCommand _command;
    private readonly SqliteDataReader _reader;
    private readonly Func<SqliteDataReader, PersistedEntry> _read;
    private bool _hasRow;

    public SqliteSnapshot(SqliteConnection connection, string sql, long nowTicks, Func<SqliteDataReader, PersistedEntry> read)
    {
        _connection = connection;
        _read = read;
        _transaction = connection.BeginTransaction(deferred: true);
        _command = connection.CreateCommand();
        _command.Transaction = _transaction;
        _command.CommandText = sql;
        _command.Parameters.AddWithValue("$now", nowTicks);
        _reader = _command.ExecuteReader();
        _hasRow = _reader.Read();
    }

    /// <summary>The rows, in key order.</summary>
    public IEnumerable<PersistedEntry> Rows()
    {
        while (_hasRow)
        {
            yield return _read(_reader);
            _hasRow = _reader.Read();
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _command.Dispose();
        _transaction.Dispose();
        _connection.Dispose();
    }
}
