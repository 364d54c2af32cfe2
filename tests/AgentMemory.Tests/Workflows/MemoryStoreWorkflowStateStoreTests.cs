using AgentMemory.Workflows;
using CsCheck;

namespace AgentMemory.Tests.Workflows;

public sealed class MemoryStoreWorkflowStateStoreTests : IDisposable
{
    private readonly WorkflowHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task Append_ThenGetState_IsTheReducerOverTheEvents()
    {
        var def = WorkflowHarness.Definition(0);
        (await _h.Workflows.AppendAsync(def, "w", [1, 2, 3], 0)).Should().Be(new WorkflowAppendResult(3, null));
        (await _h.Workflows.AppendAsync(def, "w", [4], 3)).Version.Should().Be(4);

        var state = await _h.Workflows.GetStateAsync(def, "w");

        state.Should().Be(new WorkflowState<long>("w", 4, WorkflowHarness.Fold([1, 2, 3, 4]), WorkflowStatus.Running));
    }

    [Fact]
    public void EventSourcedState_EqualsReducerOverEvents_ForRandomBatches()
    {
        var gen = Gen.Int[-1000, 1000].Array[1, 8].Array[1, 12].Select(Gen.Int[0, 7]);
        gen.Sample(
            (batches, interval) =>
            {
                using var h = new WorkflowHarness();
                var def = WorkflowHarness.Definition(interval);
                var all = new List<int>();
                foreach (var batch in batches)
                {
                    h.Workflows.AppendAsync(def, "w", batch, all.Count).AsTask().GetAwaiter().GetResult();
                    all.AddRange(batch);
                }

                for (var v = 0; v <= all.Count; v++)
                {
                    var state = h.Workflows.GetStateAsync(def, "w", v).AsTask().GetAwaiter().GetResult()!;
                    if (state.State != WorkflowHarness.Fold(all.Take(v)) || state.Version != v)
                    {
                        return false;
                    }
                }

                return true;
            },
            iter: 60);
    }

    [Fact]
    public async Task Snapshots_AreTakenEveryNEvents_AndGiveTheSameStateAsFullReplay()
    {
        var withSnapshots = WorkflowHarness.Definition(10);
        var noSnapshots = WorkflowHarness.Definition(0);
        var events = Enumerable.Range(1, 57).ToArray();
        long version = 0;
        var taken = new List<long>();
        foreach (var chunk in events.Chunk(7))
        {
            var result = await _h.Workflows.AppendAsync(withSnapshots, "w", chunk, version);
            version = result.Version;
            if (result.SnapshotVersion is { } s)
            {
                taken.Add(s);
            }
        }

        taken.Should().Equal(10, 20, 30, 40, 50);
        (await _h.Workflows.GetInfoAsync("w"))!.SnapshotVersions.Should().Equal(10, 20, 30, 40, 50);
        for (var v = 0; v <= events.Length; v++)
        {
            var fromSnapshot = await _h.Workflows.GetStateAsync(withSnapshots, "w", v);
            var fullReplay = await _h.Workflows.GetStateAsync(noSnapshots, "w", v);
            fromSnapshot!.State.Should().Be(fullReplay!.State).And.Be(WorkflowHarness.Fold(events.Take(v)));
        }
    }

    [Fact]
    public async Task Snapshot_IsUsed_WhenRebuilding()
    {
        var def = WorkflowHarness.Definition(5);
        await _h.Workflows.AppendAsync(def, "w", [1, 2, 3, 4, 5, 6], 0);

        // Remove the events the snapshot covers: the rebuild must not need them.
        for (var v = 1; v <= 5; v++)
        {
            await _h.Store.DeleteAsync($"workflows:w:e:{v}");
        }

        (await _h.Workflows.GetStateAsync(def, "w"))!.State.Should().Be(WorkflowHarness.Fold([1, 2, 3, 4, 5, 6]));
    }

    [Fact]
    public async Task ConcurrentAppends_WithTheSameExpectedVersion_ExactlyOneWins()
    {
        var def = WorkflowHarness.Definition(3);
        const int Writers = 8;
        long version = 0;
        for (var round = 0; round < 20; round++)
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var expected = version;
            var attempts = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                await start.Task;
                try
                {
                    await _h.Workflows.AppendAsync(def, "w", [w, w], expected);
                    return (Won: true, Writer: w);
                }
                catch (WorkflowConcurrencyException ex)
                {
                    ex.ExpectedVersion.Should().Be(expected);
                    ex.ActualVersion.Should().Be(expected + 2);
                    return (Won: false, Writer: w);
                }
            })).ToArray();
            start.SetResult();
            var outcomes = await Task.WhenAll(attempts);

            outcomes.Count(o => o.Won).Should().Be(1);
            version += 2;
            var winner = outcomes.Single(o => o.Won).Writer;
            (await _h.Workflows.ReadEventsAsync<int>("w", version - 1)).Select(e => e.Event).Should().Equal(winner, winner);
        }

        var all = (await _h.Workflows.ReadEventsAsync<int>("w")).Select(e => e.Event).ToArray();
        all.Should().HaveCount(40);
        (await _h.Workflows.GetStateAsync(def, "w"))!.State.Should().Be(WorkflowHarness.Fold(all));
    }

    [Fact]
    public async Task Append_StaleExpectedVersion_ThrowsAndAppendsNothing()
    {
        var def = WorkflowHarness.Definition(0);
        await _h.Workflows.AppendAsync(def, "w", [1], 0);

        var ex = (await _h.Workflows.Invoking(w => w.AppendAsync(def, "w", [2], 0).AsTask()).Should().ThrowAsync<WorkflowConcurrencyException>()).Which;

        ex.Message.Should().Contain("version 1").And.Contain("expected 0");
        (await _h.Workflows.GetInfoAsync("w"))!.Version.Should().Be(1);
    }

    [Fact]
    public async Task ThrowingReducer_DuringSnapshot_AppendsNothing()
    {
        var def = new WorkflowDefinition<long, int>("tally", () => 0, (s, e) => e < 0 ? throw new InvalidOperationException("bad event") : s + e) { SnapshotInterval = 2 };
        await _h.Workflows.AppendAsync(def, "w", [1], 0);

        await _h.Workflows.Invoking(w => w.AppendAsync(def, "w", [-1, 5], 1).AsTask()).Should().ThrowAsync<InvalidOperationException>();

        (await _h.Workflows.GetInfoAsync("w"))!.Version.Should().Be(1);
        (await _h.Store.ExistsAsync("workflows:w:e:2")).Should().BeFalse();
        (await _h.Workflows.AppendAsync(def, "w", [2, 3], 1)).SnapshotVersion.Should().Be(2);
    }

    [Fact]
    public async Task ReadEvents_ReturnsVersionsAndTimestamps()
    {
        var def = WorkflowHarness.Definition(0);
        var t0 = _h.Time.GetUtcNow();
        await _h.Workflows.AppendAsync(def, "w", [10, 20], 0);
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        await _h.Workflows.AppendAsync(def, "w", [30], 2);

        var events = await _h.Workflows.ReadEventsAsync<int>("w", 2);

        events.Should().Equal(new WorkflowEvent<int>(2, t0, 20), new WorkflowEvent<int>(3, t0.AddMinutes(1), 30));
        (await _h.Workflows.ReadEventsAsync<int>("missing")).Should().BeEmpty();
    }

    [Fact]
    public async Task Finish_RefusesMoreEvents_ThenExpiresAfterRetention()
    {
        var def = WorkflowHarness.Definition(2);
        await _h.Workflows.AppendAsync(def, "w", [1, 2, 3], 0);

        (await _h.Workflows.FinishAsync("w", WorkflowStatus.Completed)).Should().BeTrue();
        (await _h.Workflows.FinishAsync("w", WorkflowStatus.Failed)).Should().BeFalse();

        await _h.Workflows.Invoking(w => w.AppendAsync(def, "w", [4], 3).AsTask()).Should().ThrowAsync<WorkflowFinishedException>();
        var finished = await _h.Workflows.GetStateAsync(def, "w");
        finished!.Status.Should().Be(WorkflowStatus.Completed);
        finished.State.Should().Be(WorkflowHarness.Fold([1, 2, 3]));
        (await _h.Workflows.GetInfoAsync("w"))!.ExpiresAt.Should().Be(_h.Time.GetUtcNow().AddHours(1));

        _h.Time.Advance(TimeSpan.FromHours(1));

        (await _h.Workflows.GetStateAsync(def, "w")).Should().BeNull();
        (await _h.Store.ListKeysAsync("workflows:*")).Should().BeEmpty();
    }

    [Fact]
    public async Task RunningWorkflows_DoNotExpire()
    {
        var def = WorkflowHarness.Definition(0);
        await _h.Workflows.AppendAsync(def, "w", [1], 0);

        _h.Time.Advance(TimeSpan.FromDays(2));

        (await _h.Workflows.GetStateAsync(def, "w"))!.Version.Should().Be(1);
    }

    [Fact]
    public async Task Delete_RemovesEverything()
    {
        var def = WorkflowHarness.Definition(2);
        await _h.Workflows.AppendAsync(def, "w", [1, 2, 3], 0);

        (await _h.Workflows.DeleteAsync("w")).Should().BeTrue();

        (await _h.Store.ListKeysAsync("workflows:*")).Should().BeEmpty();
        (await _h.Workflows.DeleteAsync("w")).Should().BeFalse();
    }

    [Fact]
    public async Task OtherDefinition_OnSameInstance_Throws()
    {
        await _h.Workflows.AppendAsync(WorkflowHarness.Definition(0), "w", [1], 0);
        var other = new WorkflowDefinition<long, int>("other", () => 0, (s, e) => s);

        await _h.Workflows.Invoking(w => w.GetStateAsync(other, "w").AsTask()).Should().ThrowAsync<ArgumentException>().WithMessage("*tally*");
        await _h.Workflows.Invoking(w => w.AppendAsync(other, "w", [1], 1).AsTask()).Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task BadArguments_Throw()
    {
        var def = WorkflowHarness.Definition(0);
        await _h.Workflows.Invoking(w => w.AppendAsync(def, "w", [], 0).AsTask()).Should().ThrowAsync<ArgumentException>();
        await _h.Workflows.Invoking(w => w.AppendAsync(def, "w", [1], -1).AsTask()).Should().ThrowAsync<ArgumentOutOfRangeException>();
        await _h.Workflows.AppendAsync(def, "w", [1], 0);
        await _h.Workflows.Invoking(w => w.GetStateAsync(def, "w", 2).AsTask()).Should().ThrowAsync<ArgumentOutOfRangeException>();
        await _h.Workflows.Invoking(w => w.FinishAsync("w", WorkflowStatus.Running).AsTask()).Should().ThrowAsync<ArgumentException>();
        FluentActions.Invoking(() => new WorkflowDefinition<long, int>("x", () => 0, (s, _) => s) { SnapshotInterval = -1 }).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public async Task State_PersistsForANewWorkflowStoreOverTheSameMemory()
    {
        var def = WorkflowHarness.Definition(2);
        await _h.Workflows.AppendAsync(def, "w", [1, 2, 3], 0);
        using var restarted = new MemoryStoreWorkflowStateStore(_h.Store, _h.Store, timeProvider: _h.Time);

        (await restarted.GetStateAsync(def, "w"))!.State.Should().Be(WorkflowHarness.Fold([1, 2, 3]));
        (await restarted.AppendAsync(def, "w", [4], 3)).Version.Should().Be(4);
    }
}
