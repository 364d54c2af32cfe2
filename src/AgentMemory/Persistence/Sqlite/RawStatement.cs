using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace AgentMemory.Persistence.Sqlite;

/// <summary>
/// One statement prepared once on a connection and run many times through SQLite's C API (SQLitePCLRaw), binding
/// values directly: the hot paths of the long-term tier skip ADO.NET's per-parameter type dispatch. Failures are
/// <see cref="SqliteException"/>s, as Microsoft.Data.Sqlite's own.
/// </summary>
/// <remarks>Not thread-safe: used only under its connection's owner (the writer lock, or a pooled reader session).</remarks>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
    }

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public void Bind(int index, string value) => Check(raw.sqlite3_bind_text(_statement, index, value));

    /// <summary>Binds bytes; an empty array is a zero-length blob (never NULL), null is NULL.</summary>
    public void Bind(int index, byte[]? value) => Check(
        value is null ? raw.sqlite3_bind_null(_statement, index)
        : value.Length == 0 ? raw.sqlite3_bind_zeroblob(_statement, index, 0)
        : raw.sqlite3_bind_blob(_statement, index, value));

    /// <summary>
    /// Runs the statement to completion (no rows expected); returns the number of rows changed. The bindings are kept
    /// (the callers rebind every parameter before each run), which spares clearing them per row.
    /// </summary>
    public int Execute()
    {
        try
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc != raw.SQLITE_DONE && rc != raw.SQLITE_ROW)
            {
                Check(rc);
            }

            return raw.sqlite3_changes(_db);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>Steps to the next row; false when there is none (the caller then calls <see cref="Reset"/>).</summary>
    public bool Step()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        if (rc != raw.SQLITE_DONE)
        {
            Reset();
            Check(rc);
        }

        return false;
    }

    public void Reset()
    {
        raw.sqlite3_reset(_statement);
        raw.sqlite3_clear_bindings(_statement);
    }

    public long Int64(int column) => raw.sqlite3_column_int64(_statement, column);

    public string Text(int column) => raw.sqlite3_column_text(_statement, column).utf8_to_string();

    public bool IsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

    /// <summary>A copy of a blob column; null for NULL.</summary>
    public byte[]? Blob(int column) => IsNull(column) ? null : raw.sqlite3_column_blob(_statement, column).ToArray();

    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw new SqliteException($"SQLite Error {rc}: '{raw.sqlite3_errmsg(_db).utf8_to_string()}'.", rc);
        }
    }
}
