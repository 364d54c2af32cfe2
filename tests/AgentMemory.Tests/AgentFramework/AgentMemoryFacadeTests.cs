namespace AgentMemory.Tests.AgentFramework;

public sealed class AgentMemoryFacadeTests : IDisposable
{
    private readonly FacadeHarness _h = new();

    public void Dispose() => _h.Dispose();

    private IAgentMemory Memory => _h.Memory;

    [Fact]
    public async Task Context_RoundTrips_AndExpiresAfterItsTtl()
    {
        var now = _h.Time.GetUtcNow();
        await Memory.SetContextAsync("session-1", new Dictionary<string, string> { ["user_id"] = "user_123" }, TimeSpan.FromMinutes(10));

        var context = await Memory.GetContextAsync<Dictionary<string, string>>("session-1");

        context!.Data["user_id"].Should().Be("user_123");
        context.UpdatedAt.Should().Be(now);
        context.ExpiresAt.Should().Be(now.AddMinutes(10));
        _h.Time.Advance(TimeSpan.FromMinutes(10));
        (await Memory.GetContextAsync<Dictionary<string, string>>("session-1")).Should().BeNull();
    }

    [Fact]
    public async Task Context_WithoutTtl_DoesNotExpire_AndClearRemovesIt()
    {
        await Memory.SetContextAsync("c", "data");
        _h.Time.Advance(TimeSpan.FromDays(3));

        (await Memory.GetContextAsync<string>("c"))!.ExpiresAt.Should().BeNull();
        (await Memory.ClearContextAsync("c")).Should().BeTrue();
        (await Memory.GetContextAsync<string>("c")).Should().BeNull();
        (await Memory.ClearContextAsync("c")).Should().BeFalse();
    }

    [Fact]
    public async Task Context_BadArguments_Throw()
    {
        await Memory.Invoking(m => m.SetContextAsync("", 1).AsTask()).Should().ThrowAsync<ArgumentException>();
        await Memory.Invoking(m => m.SetContextAsync("c", 1, TimeSpan.Zero).AsTask()).Should().ThrowAsync<ArgumentOutOfRangeException>();
        await Memory.Invoking(m => m.GetContextAsync<int>(null!).AsTask()).Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task Events_AreReadBackInAppendOrder_AndClearedWithTheContext()
    {
        await Memory.SetContextAsync("c", "ctx");
        (await Memory.AppendEventAsync("c", "login")).Should().Be(1);
        (await Memory.AppendEventAsync("c", "search")).Should().Be(2);
        (await Memory.AppendEventAsync("c", "logout")).Should().Be(3);

        (await Memory.GetEventsAsync<string>("c")).Should().Equal("login", "search", "logout");

        await Memory.ClearContextAsync("c");
        (await Memory.GetEventsAsync<string>("c")).Should().BeEmpty();
        (await Memory.AppendEventAsync("c", "again")).Should().Be(1);
    }

    [Fact]
    public async Task Events_ExpireWithTheirContext()
    {
        await Memory.SetContextAsync("c", "ctx", TimeSpan.FromMinutes(5));
        await Memory.AppendEventAsync("c", 1);
        await Memory.AppendEventAsync("c", 2);

        _h.Time.Advance(TimeSpan.FromMinutes(5));

        (await Memory.GetEventsAsync<int>("c")).Should().BeEmpty();
        (await _h.Store.ListKeysAsync("af:*")).Should().BeEmpty();
    }

    [Fact]
    public async Task Events_WithoutAContext_DoNotExpire()
    {
        await Memory.AppendEventAsync("orphan", 1);
        _h.Time.Advance(TimeSpan.FromDays(30));

        (await Memory.GetEventsAsync<int>("orphan")).Should().Equal(1);
    }

    [Fact]
    public async Task ConcurrentEventAppends_GetDistinctSequences()
    {
        var sequences = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => Task.Run(async () => await Memory.AppendEventAsync("c", i))));

        sequences.Should().OnlyHaveUniqueItems().And.HaveCount(100);
        (await Memory.GetEventsAsync<int>("c")).Should().BeEquivalentTo(Enumerable.Range(0, 100));
    }

    [Fact]
    public async Task FlowRuns_ReadNewestFirst_ByFlowAndByRun_WithLimit()
    {
        await Memory.WriteFlowRunAsync("flow_001", "run_001", new RunData("started", 0));
        _h.Time.Advance(TimeSpan.FromSeconds(1));
        await Memory.WriteFlowRunAsync("flow_001", "run_002", new RunData("started", 0));
        _h.Time.Advance(TimeSpan.FromSeconds(1));
        var last = await Memory.WriteFlowRunAsync("flow_001", "run_001", new RunData("completed", 120));
        await Memory.WriteFlowRunAsync("flow_002", "run_003", new RunData("started", 0));

        last.Sequence.Should().Be(3);
        var all = await Memory.ReadFlowRunsAsync<RunData>("flow_001");
        all.Select(r => (r.RunId, r.Data.Status)).Should().Equal(("run_001", "completed"), ("run_002", "started"), ("run_001", "started"));
        all[0].Should().Be(last);
        (await Memory.ReadFlowRunsAsync<RunData>("flow_001", limit: 2)).Select(r => r.Sequence).Should().Equal(3, 2);
        (await Memory.ReadFlowRunsAsync<RunData>("flow_001", "run_001")).Select(r => r.Data.Status).Should().Equal("completed", "started");
        (await Memory.ReadFlowRunsAsync<RunData>("flow_001", "run_001", limit: 1)).Should().ContainSingle().Which.Data.DurationSeconds.Should().Be(120);
        (await Memory.ReadFlowRunsAsync<RunData>("nope")).Should().BeEmpty();
        await Memory.Invoking(m => m.ReadFlowRunsAsync<RunData>("flow_001", limit: 0).AsTask()).Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    [Fact]
    public async Task TaskOutput_RoundTripsWithMetadata()
    {
        var now = _h.Time.GetUtcNow();
        await Memory.WriteTaskOutputAsync("task_001", new RunData("success", 3), new TaskOutputOptions { Metadata = new Dictionary<string, MetadataValue> { ["agent"] = "worker-1", ["attempt"] = 2 } });

        var output = await Memory.ReadTaskOutputAsync<RunData>("task_001");

        output!.Output.Should().Be(new RunData("success", 3));
        output.Metadata.Should().BeEquivalentTo(new Dictionary<string, MetadataValue> { ["agent"] = "worker-1", ["attempt"] = 2 });
        output.WrittenAt.Should().Be(now);
        (await Memory.ReadTaskOutputAsync<RunData>("missing")).Should().BeNull();
    }

    [Fact]
    public async Task TaskOutput_WithTtl_Expires()
    {
        await Memory.WriteTaskOutputAsync("t", 42, new TaskOutputOptions { Ttl = TimeSpan.FromMinutes(1) });
        _h.Time.Advance(TimeSpan.FromMinutes(1));

        (await Memory.ReadTaskOutputAsync<int>("t")).Should().BeNull();
    }

    [Fact]
    public async Task FencedTaskOutput_FromAStalledHolder_IsRejected()
    {
        var stalled = await Memory.AcquireLockAsync("task:report", new LockOptions { LeaseTtl = TimeSpan.FromSeconds(10) });
        await Memory.WriteTaskOutputAsync("report", "draft by a", new TaskOutputOptions { Fence = stalled });
        _h.Time.Advance(TimeSpan.FromSeconds(15));
        await using var fresh = await Memory.AcquireLockAsync("task:report", new LockOptions { LeaseTtl = TimeSpan.FromSeconds(10) });
        await Memory.WriteTaskOutputAsync("report", "final by b", new TaskOutputOptions { Fence = fresh });

        var late = async () => await Memory.WriteTaskOutputAsync("report", "late by a", new TaskOutputOptions { Fence = stalled });

        await late.Should().ThrowAsync<MemoryFencingException>();
        (await Memory.ReadTaskOutputAsync<string>("report"))!.Output.Should().Be("final by b");
    }

    [Fact]
    public async Task AcquireLock_WhenHeld_TimesOut()
    {
        await using var held = await Memory.AcquireLockAsync("critical_section");

        await Memory.Invoking(m => m.AcquireLockAsync("critical_section", new LockOptions { WaitTimeout = TimeSpan.Zero }).AsTask())
            .Should().ThrowAsync<MemoryLockTimeoutException>();
    }

    [Fact]
    public async Task State_PersistsForANewFacadeOverTheSameStore()
    {
        await Memory.SetContextAsync("c", "ctx");
        await Memory.AppendEventAsync("c", "e1");
        await Memory.WriteFlowRunAsync("f", "r", new RunData("done", 1));
        await Memory.WriteTaskOutputAsync("t", "out");
        using var reopened = _h.Reopen();

        (await reopened.GetContextAsync<string>("c"))!.Data.Should().Be("ctx");
        (await reopened.GetEventsAsync<string>("c")).Should().Equal("e1");
        (await reopened.ReadFlowRunsAsync<RunData>("f")).Should().ContainSingle();
        (await reopened.ReadTaskOutputAsync<string>("t"))!.Output.Should().Be("out");
    }

    [Fact]
    public async Task Statistics_CountWhatIsHeld()
    {
        await Memory.SetContextAsync("c1", 1);
        await Memory.SetContextAsync("c2", 2);
        await Memory.WriteFlowRunAsync("f1", "r1", 1);
        await Memory.WriteFlowRunAsync("f1", "r2", 1);
        await Memory.WriteFlowRunAsync("f2", "r1", 1);
        await Memory.WriteTaskOutputAsync("t", 1);
        await Memory.IndexEmbeddingAsync("e", new float[] { 1, 0 });
        await _h.Agents.RegisterAgentAsync(new AgentInfo("a", "w"), []);

        var stats = await Memory.GetStatisticsAsync();

        stats.Should().BeEquivalentTo(new { Contexts = 2L, Flows = 2L, FlowRunRecords = 3L, TaskOutputs = 1L, Embeddings = 1L, RegisteredAgents = 1, AliveAgents = 1 });
        stats.Store.EntryCount.Should().BeGreaterThan(0);
    }
}
