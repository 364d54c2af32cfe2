using AgentMemory.PostgreSql.Records;
using AgentMemory.PostgreSql.Tests.Infrastructure;
using AgentMemory.PostgreSql.Tests.Records;
using AgentMemory.PostgreSql.Workflows;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace AgentMemory.PostgreSql.Tests.Workflows;

[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlWorkflowStateStoreTests(PostgresServerFixture fixture)
{
    private static readonly WorkflowDefinition<string, string> Concat = new("concat", static () => "", static (s, e) => s + e) { SnapshotInterval = 2 };

    [SkippableFact]
    public async Task ConcurrentAppenders_InTwoStoreInstances_ExactlyOneWinsPerVersion()
    {
        var connectionString = await RecordsHarness.ConnectionStringAsync(fixture);
        var options = RecordsHarness.Options("wfrace");
        await using var first = NpgsqlDataSource.Create(connectionString);
        await using var second = NpgsqlDataSource.Create(connectionString);
        var stores = new[] { new PostgreSqlWorkflowStateStore(first, options), new PostgreSqlWorkflowStateStore(second, options) };

        for (long version = 0; version < 10; version++)
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var expected = version;
            var attempts = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
            {
                await start.Task;
                try
                {
                    await stores[w % 2].AppendAsync(Concat, "wf", [$"{w}"], expected);
                    return 1;
                }
                catch (WorkflowConcurrencyException)
                {
                    return 0;
                }
            })).ToArray();
            start.SetResult();

            (await Task.WhenAll(attempts)).Sum().Should().Be(1, because: $"exactly one append at expected version {version} wins");
        }

        var info = await stores[1].GetInfoAsync("wf");
        info!.Version.Should().Be(10);
        info.SnapshotVersions.Should().Equal(2, 4, 6, 8, 10);
        var events = await stores[0].ReadEventsAsync<string>("wf");
        (await stores[1].GetStateAsync(Concat, "wf"))!.State.Should().Be(string.Concat(events.Select(e => e.Event)));
    }

    [SkippableFact]
    public async Task ReplayToAnyVersion_Info_Timestamps_AndDelete()
    {
        var connectionString = await RecordsHarness.ConnectionStringAsync(fixture);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = new PostgreSqlWorkflowStateStore(dataSource, RecordsHarness.Options("wfreplay"), timeProvider: time);

        (await store.AppendAsync(Concat, "wf", ["a", "b", "c"], 0)).Should().Be(new WorkflowAppendResult(3, 2));
        time.Advance(TimeSpan.FromSeconds(5));
        await store.AppendAsync(Concat, "wf", ["d"], 3);

        (await store.GetStateAsync(Concat, "wf", 1))!.State.Should().Be("a");
        (await store.GetStateAsync(Concat, "wf", 3))!.State.Should().Be("abc");
        (await store.GetStateAsync(Concat, "wf"))!.Should().Be(new WorkflowState<string>("wf", 4, "abcd", WorkflowStatus.Running));
        var events = await store.ReadEventsAsync<string>("wf", 2, 3);
        events.Select(e => e.Version).Should().Equal(2, 3);
        var all = await store.ReadEventsAsync<string>("wf");
        (all[3].Timestamp - all[0].Timestamp).Should().Be(TimeSpan.FromSeconds(5));
        await store.Invoking(s => s.GetStateAsync(Concat, "wf", 5).AsTask()).Should().ThrowAsync<ArgumentOutOfRangeException>();
        var other = new WorkflowDefinition<string, string>("other", static () => "", static (s, e) => s + e);
        await store.Invoking(s => s.GetStateAsync(other, "wf").AsTask()).Should().ThrowAsync<ArgumentException>().WithMessage("*concat*");

        (await store.DeleteAsync("wf")).Should().BeTrue();
        (await store.DeleteAsync("wf")).Should().BeFalse();
        (await store.GetInfoAsync("wf")).Should().BeNull();
    }

    [SkippableFact]
    public async Task SweepExpired_RemovesFinishedRowsPastRetention()
    {
        var connectionString = await RecordsHarness.ConnectionStringAsync(fixture);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = RecordsHarness.Options("wfsweep");
        options.WorkflowRetention = TimeSpan.FromHours(1);
        var store = new PostgreSqlWorkflowStateStore(dataSource, options, timeProvider: time);
        await store.AppendAsync(Concat, "done", ["x"], 0);
        await store.AppendAsync(Concat, "running", ["y"], 0);
        (await store.FinishAsync("done", WorkflowStatus.Failed)).Should().BeTrue();
        (await store.FinishAsync("done", WorkflowStatus.Failed)).Should().BeFalse();
        (await store.GetInfoAsync("done"))!.ExpiresAt.Should().BeCloseTo(time.GetUtcNow().AddHours(1), TimeSpan.FromMicroseconds(1), because: "timestamptz keeps microseconds");

        time.Advance(TimeSpan.FromHours(2));

        (await store.SweepExpiredAsync()).Should().Be(1);
        (await RecordsHarness.ScalarAsync<long>(connectionString, options.Schema, "SELECT count(*) FROM {schema}.workflow_events")).Should().Be(1);
        (await store.GetInfoAsync("running"))!.Status.Should().Be(WorkflowStatus.Running);
    }

    [Fact]
    public void Constructor_RejectsInvalidOptions_NamingThem()
    {
        using var dataSource = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1");
        var act = () => new PostgreSqlWorkflowStateStore(dataSource, new PostgreSqlRecordsOptions { Schema = "bad-name", WorkflowRetention = TimeSpan.Zero });

        act.Should().Throw<ArgumentException>().WithMessage("*Schema*").WithMessage("*WorkflowRetention*");
    }
}
