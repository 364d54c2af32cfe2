using AgentMemory.PostgreSql.Audit;
using AgentMemory.PostgreSql.History;
using AgentMemory.PostgreSql.Records;
using AgentMemory.PostgreSql.Tests.Infrastructure;
using AgentMemory.PostgreSql.Vectors;
using AgentMemory.PostgreSql.Workflows;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace AgentMemory.PostgreSql.Tests.Records;

/// <summary>Connections dropped under the stores: the next call retries once on a fresh connection; an unreachable server is a clear storage error.</summary>
[Collection(PostgresCollection.Name)]
public sealed class RecordsFaultTests(PostgresServerFixture fixture)
{
    private static readonly WorkflowDefinition<int, int> Sum = new("sum", static () => 0, static (s, e) => s + e);

    [SkippableFact]
    public async Task TerminatedBackends_TheNextCallsSucceedOnFreshConnections_AndLaterCallsWork()
    {
        var connectionString = await fixture.Server.CreateDatabaseAsync("recordsfault");
        var options = RecordsHarness.Options("fault");
        options.AuditHmacKey = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        options.EmbeddingDimensions = 2;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var workflows = new PostgreSqlWorkflowStateStore(dataSource, options, timeProvider: time);
        using var audit = new PostgreSqlAuditLog(dataSource, options, time);
        var history = new PostgreSqlAgentHistoryStore(dataSource, options, timeProvider: time);
        await using var embeddings = new PostgreSqlEmbeddingStore(dataSource, options, time);
        await embeddings.StartAsync();

        // Fill the pool with several idle connections.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => history.WriteFlowRunAsync("flow", $"r{i}", i).AsTask()));
        await workflows.AppendAsync(Sum, "wf", [1], 0);
        await audit.AppendAsync(Record("before"));
        var disconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        embeddings.Changed += (_, e) =>
        {
            if (e.Kind == EmbeddingChangeKind.Disconnected)
            {
                disconnected.TrySetResult();
            }
        };

        (await TerminateAllBackendsAsync(connectionString, includeListener: false)).Should().BeGreaterThan(1);

        (await workflows.AppendAsync(Sum, "wf", [2], 1)).Version.Should().Be(2);
        (await audit.AppendAsync(Record("after"))).Sequence.Should().Be(2);
        (await history.ReadFlowRunsAsync<int>("flow")).Should().HaveCount(4);
        await embeddings.UpsertAsync("e", new float[] { 1, 0 });

        (await TerminateAllBackendsAsync(connectionString)).Should().BeGreaterThan(1);
        await disconnected.Task;
        (await workflows.GetStateAsync(Sum, "wf"))!.State.Should().Be(3);
        (await audit.VerifyAsync()).Should().Be(new MemoryAuditVerification(true, 2, null, null));
        (await history.WriteFlowRunAsync("flow", "r9", 9)).Sequence.Should().Be(5);
        (await embeddings.QueryAsync(new float[] { 1, 0 }, 1)).Single().Id.Should().Be("e");
    }

    [SkippableFact]
    public async Task ACrashedServer_FailsClearlyWhileDown_AndLaterCallsWorkAfterItRestarts()
    {
        await using var server = await PostgresServer.StartAsync();
        var connectionString = await server.CreateDatabaseAsync("recordscrash");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var workflows = new PostgreSqlWorkflowStateStore(dataSource, RecordsHarness.Options("crash"));
        await workflows.AppendAsync(Sum, "wf", [1], 0);

        await server.StopAsync();
        (await workflows.Invoking(w => w.AppendAsync(Sum, "wf", [2], 1).AsTask()).Should().ThrowAsync<MemoryStorageException>())
            .WithMessage("*appending workflow events*");

        await server.StartAgainAsync();
        (await workflows.AppendAsync(Sum, "wf", [2], 1)).Version.Should().Be(2);
        (await workflows.GetStateAsync(Sum, "wf"))!.State.Should().Be(3);
    }

    [SkippableFact]
    public async Task AnUnreachableServer_IsAMemoryStorageException_NamingTheWork()
    {
        fixture.Server.Port.Should().BePositive();
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = FreePort(), Username = "postgres", Timeout = 3 }.ConnectionString);
        var history = new PostgreSqlAgentHistoryStore(dataSource, new PostgreSqlRecordsOptions());
        var workflows = new PostgreSqlWorkflowStateStore(dataSource, new PostgreSqlRecordsOptions { RunMigrations = false });

        (await history.Invoking(h => h.WriteFlowRunAsync("f", "r", 1).AsTask()).Should().ThrowAsync<MemoryStorageException>())
            .WithMessage("*\"history\"*");
        (await workflows.Invoking(w => w.GetInfoAsync("wf").AsTask()).Should().ThrowAsync<MemoryStorageException>())
            .WithMessage("*reading workflow information*");
        await using var embeddings = new PostgreSqlEmbeddingStore(dataSource, new PostgreSqlRecordsOptions { EmbeddingDimensions = 2 });
        await embeddings.Invoking(e => e.QueryAsync(new float[] { 1, 0 }).AsTask()).Should().ThrowAsync<MemoryStorageException>();
        (await embeddings.CheckHealthAsync()).Status.Should().Be(MemoryHealthStatus.Unhealthy);
    }

    private static MemoryAuditRecord Record(string resource) =>
        new(DateTimeOffset.UtcNow, "p", resource, MemoryAction.Write, MemoryAuditResult.Allowed, "Store");

    /// <summary>Terminates the database's other backends; the idle pooled ones first (nobody reads them, so their death is found only by the next call), the listener last (Npgsql clears the pool when it sees that one die).</summary>
    private static async Task<long> TerminateAllBackendsAsync(string connectionString, bool includeListener = true)
    {
        await using var admin = new NpgsqlConnection(connectionString);
        await admin.OpenAsync();
        var pids = new List<int>();
        await using (var list = new NpgsqlCommand($"SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid(){(includeListener ? "" : " AND query NOT LIKE 'LISTEN%'")} ORDER BY query LIKE 'LISTEN%'", admin))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                pids.Add(reader.GetInt32(0));
            }
        }

        long terminated = 0;
        foreach (var pid in pids)
        {
            await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend(@pid, 10000)", admin);
            kill.Parameters.AddWithValue("pid", pid);
            terminated += await kill.ExecuteScalarAsync() is true ? 1 : 0;
        }

        return terminated;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
