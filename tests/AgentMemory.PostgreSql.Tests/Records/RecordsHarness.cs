using AgentMemory.PostgreSql.Records;
using AgentMemory.PostgreSql.Tests.Infrastructure;
using Npgsql;

namespace AgentMemory.PostgreSql.Tests.Records;

/// <summary>One database for the record-store tests on the shared cluster; each test isolates itself with a unique schema.</summary>
internal static class RecordsHarness
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static PostgresServer? _server;
    private static string? _connectionString;

    public static async Task<string> ConnectionStringAsync(PostgresServerFixture fixture)
    {
        var server = fixture.Server;
        await Gate.WaitAsync();
        try
        {
            if (!ReferenceEquals(_server, server))
            {
                _connectionString = await server.CreateDatabaseAsync("records");
                _server = server;
            }

            return _connectionString!;
        }
        finally
        {
            Gate.Release();
        }
    }

    public static PostgreSqlRecordsOptions Options(string hint) => new() { Schema = PostgresServerFixture.UniqueSchema(hint) };

    /// <summary>Runs SQL with <c>{schema}</c> expanded, as an administrator tampering with the tables would.</summary>
    public static async Task ExecuteAsync(string connectionString, string schema, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql.Replace("{schema}", $"\"{schema}\"", StringComparison.Ordinal), connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<T?> ScalarAsync<T>(string connectionString, string schema, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql.Replace("{schema}", $"\"{schema}\"", StringComparison.Ordinal), connection);
        return (T?)await command.ExecuteScalarAsync();
    }
}
