using AgentMemory.PostgreSql.Records;
using AgentMemory.PostgreSql.Tests.Infrastructure;
using AgentMemory.PostgreSql.Tests.Records;
using AgentMemory.PostgreSql.Vectors;
using AgentMemory.Vectors;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace AgentMemory.PostgreSql.Tests.Vectors;

[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlEmbeddingStoreTests(PostgresServerFixture fixture) : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _disposables = [];
    private string _connectionString = "";

    public async Task InitializeAsync() => _connectionString = await RecordsHarness.ConnectionStringAsync(fixture);

    public async Task DisposeAsync()
    {
        for (var i = _disposables.Count - 1; i >= 0; i--)
        {
            await _disposables[i].DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task AWriteInOneInstance_IsSearchableInTheOther_AfterTheNotification_AndDeletesPropagate()
    {
        var options = Options("sync");
        var writer = await OpenAsync(options);
        var reader = await OpenAsync(options);

        var arrived = WaitFor(reader, EmbeddingChangeKind.Upserted, "doc:1");
        await writer.UpsertAsync("doc:1", new float[] { 1, 0, 0 }, new Dictionary<string, MetadataValue> { ["lang"] = "en" });
        await arrived;

        var hits = await reader.QueryAsync(new float[] { 0.9f, 0.1f, 0 }, 5);
        hits.Should().ContainSingle().Which.Should().Match<VectorSearchResult>(h => h.Id == "doc:1" && h.Metadata["lang"] == "en");

        var gone = WaitFor(reader, EmbeddingChangeKind.Deleted, "doc:1");
        (await writer.DeleteAsync("doc:1")).Should().BeTrue();
        await gone;
        (await reader.QueryAsync(new float[] { 1, 0, 0 }, 5)).Should().BeEmpty();
        reader.Count.Should().Be(0);
    }

    [SkippableFact]
    public async Task Query_RanksByTheMetric_FiltersOnMetadata_AndReadsItsOwnWrites()
    {
        var store = await OpenAsync(Options("query"));
        await store.UpsertAsync("a", new float[] { 1, 0, 0 }, new Dictionary<string, MetadataValue> { ["kind"] = "note", ["n"] = 1 });
        await store.UpsertAsync("b", new float[] { 0.8f, 0.6f, 0 }, new Dictionary<string, MetadataValue> { ["kind"] = "fact", ["n"] = 2 });
        await store.UpsertAsync("c", new float[] { 0, 0, 1 }, new Dictionary<string, MetadataValue> { ["kind"] = "note", ["n"] = 3 });

        (await store.QueryAsync(new float[] { 1, 0.1f, 0 }, 2)).Select(h => h.Id).Should().Equal("a", "b");
        (await store.QueryAsync(new float[] { 1, 0.1f, 0 }, 3, MetadataFilter.Equal("kind", "note"))).Select(h => h.Id).Should().Equal("a", "c");
        (await store.QueryAsync(new float[] { 1, 0.1f, 0 }, 3, MetadataFilter.Range("n", min: 2))).Select(h => h.Id).Should().Equal("b", "c");
        await store.UpsertAsync("a", new float[] { 0, 0, 1 });
        (await store.QueryAsync(new float[] { 0, 0, 1 }, 1)).Single().Id.Should().BeOneOf("a", "c");
        store.Count.Should().Be(3);
        await store.Invoking(s => s.QueryAsync(new float[] { 1, 0, 0 }, 0).AsTask()).Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    [SkippableFact]
    public async Task DimensionMismatch_IsAnArgumentException_NamingBothSizes()
    {
        var store = await OpenAsync(Options("dims"));

        (await store.Invoking(s => s.UpsertAsync("x", new float[] { 1, 2 }).AsTask()).Should().ThrowAsync<ArgumentException>())
            .WithMessage("*2 dimensions*3-dimensional*");
        (await store.Invoking(s => s.QueryAsync(new float[] { 1, 2, 3, 4 }).AsTask()).Should().ThrowAsync<ArgumentException>())
            .WithMessage("*4 dimensions*3-dimensional*");
        await store.Invoking(s => s.UpsertAsync("zero", new float[3]).AsTask()).Should().ThrowAsync<ArgumentException>();
        await store.Invoking(s => s.UpsertAsync("nan", new[] { float.NaN, 1, 1 }).AsTask()).Should().ThrowAsync<ArgumentException>();
    }

    [SkippableFact]
    public async Task ANewInstance_HydratesFromTheTable_AndReportsPgVector()
    {
        var options = Options("hydrate");
        var first = await OpenAsync(options);
        await first.UpsertAsync("kept", new float[] { 0, 1, 0 }, new Dictionary<string, MetadataValue> { ["score"] = 0.5 });

        var second = await OpenAsync(options);

        second.Count.Should().Be(1);
        (await second.QueryAsync(new float[] { 0, 1, 0 }, 1)).Single().Metadata["score"].Kind.Should().Be(MetadataValueKind.Double);
        second.IsPgVectorAvailable.Should().NotBeNull();
        var health = await second.CheckHealthAsync();
        health.Status.Should().Be(MemoryHealthStatus.Healthy);
        health.Reasons.Should().Contain(r => r.Contains("pgvector", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task AfterTheListenerIsDropped_ChangesMissedMeanwhile_AreRecoveredByTheResync()
    {
        var options = Options("reconnect");
        options.EmbeddingReconnectDelay = TimeSpan.FromSeconds(5);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var writer = await OpenAsync(options);
        await writer.UpsertAsync("old", new float[] { 1, 0, 0 });
        var reader = await OpenAsync(options, time);
        reader.Count.Should().Be(1);

        var disconnected = WaitFor(reader, EmbeddingChangeKind.Disconnected, null);
        await Terminate(reader.ListenerProcessId);
        await disconnected;
        reader.IsListening.Should().BeFalse();
        (await reader.CheckHealthAsync()).Status.Should().Be(MemoryHealthStatus.Degraded);

        await writer.UpsertAsync("new", new float[] { 0, 1, 0 });
        await writer.DeleteAsync("old");
        (await reader.QueryAsync(new float[] { 1, 0, 0 }, 5)).Select(h => h.Id).Should().Equal("old");

        var resynced = WaitFor(reader, EmbeddingChangeKind.Resynchronized, null);
        time.Advance(TimeSpan.FromSeconds(5));
        await resynced;

        (await reader.QueryAsync(new float[] { 0, 1, 0 }, 5)).Select(h => h.Id).Should().Equal("new");
        reader.IsListening.Should().BeTrue();
        var live = WaitFor(reader, EmbeddingChangeKind.Upserted, "later");
        await writer.UpsertAsync("later", new float[] { 0, 0, 1 });
        await live;
        reader.Count.Should().Be(2);
    }

    [SkippableFact]
    public async Task ADirectSqlChange_IsPickedUpByTheTrigger()
    {
        var options = Options("trigger");
        var store = await OpenAsync(options);
        var arrived = WaitFor(store, EmbeddingChangeKind.Upserted, "sql");

        await RecordsHarness.ExecuteAsync(_connectionString, options.Schema, "INSERT INTO {schema}.embeddings (id, dimensions, vector, updated_at) VALUES ('sql', 3, '{0,0,2}', now())");
        await arrived;

        (await store.QueryAsync(new float[] { 0, 0, 1 }, 1)).Single().Id.Should().Be("sql");
    }

    [SkippableFact]
    public async Task ConcurrentWriters_InTwoInstances_ConvergeOnTheSameIndex()
    {
        var options = Options("converge");
        var stores = new[] { await OpenAsync(options), await OpenAsync(options) };
        var ids = Enumerable.Range(0, 40).Select(i => $"v{i}").ToArray();
        var everywhere = stores.Select(s => WaitForAll(s, ids)).ToArray();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            await start.Task;
            for (var i = w; i < ids.Length; i += 4)
            {
                await stores[w % 2].UpsertAsync(ids[i], new float[] { 1, i, w + 1 }, new Dictionary<string, MetadataValue> { ["i"] = i });
            }
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(writers);
        await Task.WhenAll(everywhere);

        var query = new float[] { 1, 20, 1 };
        var first = await stores[0].QueryAsync(query, 40);
        var second = await stores[1].QueryAsync(query, 40);
        first.Select(h => h.Id).Should().BeEquivalentTo(ids);
        second.Select(h => (h.Id, h.Score)).Should().Equal(first.Select(h => (h.Id, h.Score)));
    }

    private static Task WaitForAll(PostgreSqlEmbeddingStore store, IEnumerable<string> ids)
    {
        var pending = new HashSet<string>(ids);
        var gate = new object();
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Changed += (_, e) =>
        {
            lock (gate)
            {
                if (e.Kind == EmbeddingChangeKind.Upserted && e.Id is not null && pending.Remove(e.Id) && pending.Count == 0)
                {
                    seen.TrySetResult();
                }
            }
        };
        return seen.Task;
    }

    private static Task WaitFor(PostgreSqlEmbeddingStore store, EmbeddingChangeKind kind, string? id)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Changed += (_, e) =>
        {
            if (e.Kind == kind && e.Id == id)
            {
                seen.TrySetResult();
            }
        };
        return seen.Task;
    }

    private static PostgreSqlRecordsOptions Options(string hint)
    {
        var options = RecordsHarness.Options("vec" + hint);
        options.EmbeddingDimensions = 3;
        return options;
    }

    private async Task<PostgreSqlEmbeddingStore> OpenAsync(PostgreSqlRecordsOptions options, TimeProvider? time = null)
    {
        var dataSource = NpgsqlDataSource.Create(_connectionString);
        _disposables.Add(dataSource);
        var store = new PostgreSqlEmbeddingStore(dataSource, options, time);
        _disposables.Add(store);
        await store.StartAsync();
        return store;
    }

    private async Task Terminate(int processId)
    {
        processId.Should().NotBe(0);
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_terminate_backend(@pid)", connection);
        command.Parameters.AddWithValue("pid", processId);
        (await command.ExecuteScalarAsync()).Should().Be(true);
    }
}
