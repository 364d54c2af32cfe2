using Microsoft.Data.Sqlite;

namespace AgentMemory.Persistence.Sqlite;

/// <summary>A pooled read connection with its prepared point lookups. Used by one thread at a time.</summary>
internal sealed class ReaderSession : IDisposable
{
    public ReaderSession(SqliteConnection connection, string columns)
    {
        Connection = connection;
        Get = new RawStatement(connection, $"SELECT {columns} FROM entries WHERE key = ?1 AND expires > ?2;");
    }

    public SqliteConnection Connection { get; }

    /// <summary>The live row for a key (?1) at a time (?2).</summary>
    public RawStatement Get { get; }

    public void Dispose()
    {
        Get.Dispose();
        Connection.Dispose();
    }
}
