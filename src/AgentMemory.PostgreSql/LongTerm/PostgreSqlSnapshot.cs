using System.Data;
using AgentMemory.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace AgentMemory.PostgreSql.LongTerm;

/// <summary>
/// A read snapshot of the long-term table: a <c>REPEATABLE READ</c> read-only transaction on its own connection whose
/// query has already run, so rows committed afterwards are not seen. Enumerate once; dispose to release the connection.
/// </summary>
/// <remarks>Not thread-safe: one consumer.</remarks>
internal sealed class PostgreSqlSnapshot : IDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly NpgsqlCommand _command;
    private readonly NpgsqlDataReader _reader;
    private readonly Func<NpgsqlDataReader, PersistedEntry> _read;

    public PostgreSqlSnapshot(NpgsqlConnection connection, string sql, long nowTicks, Func<NpgsqlDataReader, PersistedEntry> read)
    {
        _connection = connection;
        _read = read;
        _transaction = connection.BeginTransaction(IsolationLevel.RepeatableRead);
        _command = new NpgsqlCommand(sql, connection, _transaction);
        _command.Parameters.Add(new NpgsqlParameter<long>("now", NpgsqlDbType.Bigint) { TypedValue = nowTicks });
        _reader = _command.ExecuteReader();
    }

    /// <summary>The rows, in key order.</summary>
    /// <exception cref="MemoryStorageException">The connection failed while streaming.</exception>
    public IEnumerable<PersistedEntry> Rows()
    {
        while (Next())
        {
            yield return _read(_reader);
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _command.Dispose();
        _transaction.Dispose();
        _connection.Dispose();
    }

    private bool Next()
    {
        try
        {
            return _reader.Read();
        }
        catch (NpgsqlException ex)
        {
            throw new MemoryStorageException($"The long-term snapshot lost its PostgreSQL connection: {ex.Message}", ex);
        }
    }
}
