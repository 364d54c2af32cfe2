namespace AgentMemory.Conformance;

/// <summary>
/// The <see cref="IWorkflowStateStore"/> contract: state is the reducer over the events, at any version, with or
/// without snapshots; of concurrent appends with one expected version exactly one wins; finished workflows expire.
/// </summary>
public abstract class WorkflowStateStoreContractTests : ConformanceTestBase<IWorkflowStateStore>
{
    private static readonly WorkflowDefinition<long, int> Snapshotting = new("contract", static () => 0L, Reduce) { SnapshotInterval = 3 };
    private static readonly WorkflowDefinition<long, int> Replaying = new("contract", static () => 0L, Reduce) { SnapshotInterval = 0 };

    /// <summary>The state at every version equals the reducer folded over that many events, with and without snapshots.</summary>
    [SkippableFact]
    public async Task State_IsTheReducerOverTheEvents_AtEveryVersion()
    {
        int[][] batches = [[5, -2], [7], [1, 1, 1, 1], [9, 3]];
        var all = new List<int>();
        foreach (var batch in batches)
        {
            (await Service.AppendAsync(Snapshotting, "wf", batch, all.Count)).Version.Should().Be(all.Count + batch.Length);
            all.AddRange(batch);
        }

        for (var v = 0; v <= all.Count; v++)
        {
            var expected = all.Take(v).Aggregate(0L, Reduce);
            (await Service.GetStateAsync(Snapshotting, "wf", v))!.State.Should().Be(expected);
            (await Service.GetStateAsync(Replaying, "wf", v))!.State.Should().Be(expected);
        }

        (await Service.ReadEventsAsync<int>("wf")).Select(e => e.Event).Should().Equal(all);
        (await Service.GetInfoAsync("wf"))!.SnapshotVersions.Should().Equal(3, 6, 9);
    }

    /// <summary>An append with a stale expected version is refused and appends nothing.</summary>
    [SkippableFact]
    public async Task StaleExpectedVersion_IsRefused()
    {
        await Service.AppendAsync(Replaying, "wf", [1], 0);

        await Service.Invoking(s => s.AppendAsync(Replaying, "wf", [2], 0).AsTask()).Should().ThrowAsync<WorkflowConcurrencyException>();

        (await Service.GetInfoAsync("wf"))!.Version.Should().Be(1);
    }

    /// <summary>Of concurrent appends with the same expected version, exactly one succeeds.</summary>
    [SkippableFact]
    public async Task ConcurrentAppends_ExactlyOneWins()
    {
        await Service.AppendAsync(Snapshotting, "wf", [0], 0);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = Enumerable.Range(1, 6).Select(w => Task.Run(async () =>
        {
            await start.Task;
            try
            {
                await Service.AppendAsync(Snapshotting, "wf", [w, w], 1);
                return true;
            }
            catch (WorkflowConcurrencyException)
            {
                return false;
            }
        })).ToArray();
        start.SetResult();

        (await Task.WhenAll(attempts)).Count(won => won).Should().Be(1);
        (await Service.GetInfoAsync("wf"))!.Version.Should().Be(3);
    }

    /// <summary>A finished workflow refuses events and is gone after its retention.</summary>
    [SkippableFact]
    public async Task FinishedWorkflow_RefusesEvents_AndExpires()
    {
        await Service.AppendAsync(Snapshotting, "wf", [1, 2, 3, 4], 0);

        (await Service.FinishAsync("wf", WorkflowStatus.Completed, TimeSpan.FromMinutes(10))).Should().BeTrue();
        await Service.Invoking(s => s.AppendAsync(Snapshotting, "wf", [5], 4).AsTask()).Should().ThrowAsync<WorkflowFinishedException>();
        (await Service.GetStateAsync(Snapshotting, "wf"))!.Status.Should().Be(WorkflowStatus.Completed);

        await Subject.AdvanceTime(TimeSpan.FromMinutes(11));

        (await Service.GetStateAsync(Snapshotting, "wf")).Should().BeNull();
        (await Service.ReadEventsAsync<int>("wf")).Should().BeEmpty();
    }

    private static long Reduce(long state, int e) => unchecked((state * 31) + e + 7);
}
