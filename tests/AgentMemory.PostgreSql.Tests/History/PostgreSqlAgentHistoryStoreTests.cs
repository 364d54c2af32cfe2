using AgentMemory.PostgreSql.History;
using AgentMemory.PostgreSql.Tests.Infrastructure;
using AgentMemory.PostgreSql.Tests.Records;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace AgentMemory.PostgreSql.Tests.History;

[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlAgentHistoryStoreTests(PostgresServerFixture fixture) : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 3, 10, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private NpgsqlDataSource? _dataSource;
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        _connectionString = await RecordsHarness.ConnectionStringAsync(fixture);
        _dataSource = NpgsqlDataSource.Create(_connectionString);
    }

    public async Task DisposeAsync() => await _dataSource!.DisposeAsync();

    [SkippableFact]
    public async Task FlowRuns_AreNumberedPerFlow_AndReadNewestFirst_ByRun_WithALimit()
    {
        var store = Open("flows");
        var first = await store.WriteFlowRunAsync("flow-a", "run-1", new RunData("started", 0));
        _time.Advance(TimeSpan.FromSeconds(1));
        await store.WriteFlowRunAsync("flow-a", "run-1", new RunData("completed", 120));
        await store.WriteFlowRunAsync("flow-b", "run-9", new RunData("started", 0));
        await store.WriteFlowRunAsync("flow-a", "run-2", new RunData("started", 0));

        first.Should().Be(new FlowRunRecord<RunData>("flow-a", "run-1", 1, Start, new RunData("started", 0)));
        var all = await store.ReadFlowRunsAsync<RunData>("flow-a");
        all.Select(r => (r.Sequence, r.RunId)).Should().Equal((3, "run-2"), (2, "run-1"), (1, "run-1"));
        all[1].Should().Be(new FlowRunRecord<RunData>("flow-a", "run-1", 2, Start.AddSeconds(1), new RunData("completed", 120)));
        (await store.ReadFlowRunsAsync<RunData>("flow-a", "run-1", limit: 1)).Single().Data.Status.Should().Be("completed");
        (await store.ReadFlowRunsAsync<RunData>("flow-a", limit: 2)).Select(r => r.Sequence).Should().Equal(3, 2);
        (await store.ReadFlowRunsAsync<RunData>("flow-b")).Single().Sequence.Should().Be(1);
        (await store.ReadFlowRunsAsync<RunData>("nothing")).Should().BeEmpty();
        await store.Invoking(s => s.ReadFlowRunsAsync<RunData>("flow-a", limit: 0).AsTask()).Should().ThrowAsync<ArgumentOutOfRangeException>();
        await store.Invoking(s => s.WriteFlowRunAsync("", "r", 1).AsTask()).Should().ThrowAsync<ArgumentException>();
    }

    [SkippableFact]
    public async Task FlowRunData_IsJsonb_QueryableBySql()
    {
        var options = RecordsHarness.Options("jsonb");
        var store = new PostgreSqlAgentHistoryStore(_dataSource!, options, timeProvider: _time);
        await store.WriteFlowRunAsync("flow", "r1", new RunData("failed", 3));
        await store.WriteFlowRunAsync("flow", "r2", new RunData("completed", 5));

        var failed = await RecordsHarness.ScalarAsync<string>(_connectionString, options.Schema, """SELECT run_id FROM {schema}.flow_runs WHERE data @> '{"status":"failed"}'""");

        failed.Should().Be("r1");
    }

    [SkippableFact]
    public async Task ConcurrentWriters_InTwoInstances_GetConsecutiveSequenceNumbers()
    {
        var options = RecordsHarness.Options("flowrace");
        await using var other = NpgsqlDataSource.Create(_connectionString);
        var stores = new[] { new PostgreSqlAgentHistoryStore(_dataSource!, options), new PostgreSqlAgentHistoryStore(other, options) };
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            await start.Task;
            for (var i = 0; i < 20; i++)
            {
                await stores[w % 2].WriteFlowRunAsync("shared", $"w{w}", i);
            }
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(writers);

        var runs = await stores[0].ReadFlowRunsAsync<int>("shared", limit: 1000);
        runs.Select(r => r.Sequence).Should().Equal(Enumerable.Range(1, 80).Reverse().Select(i => (long)i));
        runs.Where(r => r.RunId == "w3").Select(r => r.Data).Should().Equal(Enumerable.Range(0, 20).Reverse());
    }

    [SkippableFact]
    public async Task Retention_DropsWholeOldMonths()
    {
        var options = RecordsHarness.Options("flowretention");
        options.FlowRunRetention = TimeSpan.FromDays(30);
        var store = new PostgreSqlAgentHistoryStore(_dataSource!, options, timeProvider: _time);
        await store.WriteFlowRunAsync("flow", "march", 1);
        _time.Advance(TimeSpan.FromDays(31));
        await store.WriteFlowRunAsync("flow", "april", 2);
        (await store.ApplyRetentionAsync()).Should().Be(0, because: "March ended less than 30 days ago");
        _time.Advance(TimeSpan.FromDays(31));
        await store.WriteFlowRunAsync("flow", "may", 3);

        (await store.ApplyRetentionAsync()).Should().Be(1);

        (await store.ReadFlowRunsAsync<int>("flow")).Select(r => (r.Sequence, r.RunId)).Should().Equal((3, "may"), (2, "april"));
        (await store.WriteFlowRunAsync("flow", "may", 4)).Sequence.Should().Be(4);
        await store.Invoking(s => s.ApplyRetentionAsync(TimeSpan.Zero).AsTask()).Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    [SkippableFact]
    public async Task TaskOutputs_KeepMetadataKinds_Replace_AndExpireByTheClock()
    {
        var options = RecordsHarness.Options("tasks");
        var store = new PostgreSqlAgentHistoryStore(_dataSource!, options, timeProvider: _time);
        var metadata = new Dictionary<string, MetadataValue> { ["agent"] = "planner", ["attempt"] = 2, ["score"] = 0.5, ["final"] = true };

        await store.WriteTaskOutputAsync("task-1", new RunData("ok", 1), new TaskOutputOptions { Metadata = metadata, Ttl = TimeSpan.FromMinutes(5) });
        await store.WriteTaskOutputAsync("task-2", new[] { 1, 2, 3 });

        var read = await store.ReadTaskOutputAsync<RunData>("task-1");
        read!.Output.Should().Be(new RunData("ok", 1));
        read.Metadata.Should().BeEquivalentTo(metadata);
        read.Metadata["score"].Kind.Should().Be(MetadataValueKind.Double);
        read.WrittenAt.Should().Be(Start);
        (await RecordsHarness.ScalarAsync<string>(_connectionString, options.Schema, """SELECT task_id FROM {schema}.task_outputs WHERE metadata @> '{"agent":"planner"}'""")).Should().Be("task-1");
        (await store.ReadTaskOutputAsync<int[]>("task-2"))!.Metadata.Should().BeEmpty();

        _time.Advance(TimeSpan.FromMinutes(5));
        (await store.ReadTaskOutputAsync<RunData>("task-1")).Should().BeNull();
        (await store.ReadTaskOutputAsync<int[]>("task-2"))!.Output.Should().Equal(1, 2, 3);
        await store.WriteTaskOutputAsync("task-2", new[] { 4 }, new TaskOutputOptions { Ttl = TimeSpan.FromSeconds(1) });
        _time.Advance(TimeSpan.FromSeconds(2));
        (await store.SweepExpiredTaskOutputsAsync()).Should().Be(1);
        (await store.ReadTaskOutputAsync<int[]>("task-2")).Should().BeNull();
        await store.Invoking(s => s.WriteTaskOutputAsync("t", 1, new TaskOutputOptions { Ttl = TimeSpan.Zero }).AsTask()).Should().ThrowAsync<ArgumentException>();
    }

    [SkippableFact]
    public async Task TaskOutput_OfTheWrongType_IsASerializationError()
    {
        var store = Open("wrongtype");
        await store.WriteTaskOutputAsync("t", "text");

        await store.Invoking(s => s.ReadTaskOutputAsync<int[]>("t").AsTask()).Should().ThrowAsync<MemorySerializationException>();
    }

    [SkippableFact]
    public async Task FencedWrite_WithAnOlderTokenThanOneAlreadyUsed_IsRefused()
    {
        var store = Open("fence");
        await store.WriteTaskOutputAsync("t", 1, new TaskOutputOptions { Fence = new Lease("job", 5) });
        await store.WriteTaskOutputAsync("t", 2, new TaskOutputOptions { Fence = new Lease("job", 5) });

        var act = () => store.WriteTaskOutputAsync("t", 3, new TaskOutputOptions { Fence = new Lease("job", 4) }).AsTask();

        (await act.Should().ThrowAsync<MemoryFencingException>()).Which.CurrentToken.Should().Be(5);
        (await store.ReadTaskOutputAsync<int>("t"))!.Output.Should().Be(2);
        await store.WriteTaskOutputAsync("t", 4, new TaskOutputOptions { Fence = new Lease("job", 6) });
        (await store.ReadTaskOutputAsync<int>("t"))!.Output.Should().Be(4);
    }

    private PostgreSqlAgentHistoryStore Open(string hint) => new(_dataSource!, RecordsHarness.Options(hint), timeProvider: _time);

    public sealed record RunData(string Status, int Duration);

    private sealed class Lease(string resource, long token) : ILockLease
    {
        public string Resource => resource;

        public long FencingToken => token;

        public string LeaseId => "lease";

        public DateTimeOffset ExpiresAt => DateTimeOffset.MaxValue;

        public ValueTask<bool> ExtendAsync(TimeSpan? leaseTtl = null, CancellationToken cancellationToken = default) => new(true);

        public ValueTask<bool> ReleaseAsync(CancellationToken cancellationToken = default) => new(true);

        public ValueTask DisposeAsync() => default;
    }
}
