using Npgsql;

namespace AgentMemory.PostgreSql.Records;

/// <summary>The data source the DI-registered record stores share, built from <see cref="PostgreSqlRecordsOptions.ConnectionString"/> and disposed with the container.</summary>
/// <remarks>Thread-safe.</remarks>
internal sealed class PostgreSqlRecordsDataSource(PostgreSqlRecordsOptions options) : IAsyncDisposable, IDisposable
{
    public NpgsqlDataSource DataSource { get; } = NpgsqlDataSource.Create(options.ConnectionString);

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    public void Dispose() => DataSource.Dispose();
}
