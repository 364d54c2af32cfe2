using AgentMemory.AgentFramework;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentMemory.Tests.AgentFramework;

/// <summary>Flow-run history is bounded: by count per flow and by age on the facade's clock.</summary>
public sealed class FlowRunRetentionTests
{
    [Fact]
    public void Defaults_AreAThousandRunsAndThirtyDays()
    {
        var options = new AgentMemoryFacadeOptions();

        options.MaxRunsPerFlow.Should().Be(1_000);
        options.FlowRunRetention.Should().Be(TimeSpan.FromDays(30));
    }

    [Theory]
    [InlineData(0, 1.0, "MaxRunsPerFlow")]
    [InlineData(10, -1.0, "FlowRunRetention")]
    public void InvalidRetention_IsRejectedNamingTheOption(int maxRuns, double retentionHours, string option)
    {
        var options = new AgentMemoryFacadeOptions { MaxRunsPerFlow = maxRuns, FlowRunRetention = TimeSpan.FromHours(retentionHours) };

        var act = () => new FacadeHarness(options: options);

        act.Should().Throw<ArgumentException>().WithMessage($"*{option}*");
    }

    [Fact]
    public async Task AddAgentCoordination_AppliesAndValidatesTheRetentionOptions()
    {
        var services = new ServiceCollection();
        services.AddAgentMemory().AddAgentCoordination(o => o.Facade.MaxRunsPerFlow = 2);
        await using (var provider = services.BuildServiceProvider())
        {
            var memory = provider.GetRequiredService<IAgentMemory>();
            for (var i = 1; i <= 3; i++)
            {
                await memory.WriteFlowRunAsync("f", "r", i);
            }

            (await memory.ReadFlowRunsAsync<int>("f")).Select(r => r.Data).Should().Equal(3, 2);
        }

        var invalid = new ServiceCollection();
        invalid.AddAgentMemory().AddAgentCoordination(o => o.Facade.FlowRunRetention = TimeSpan.Zero);
        await using var bad = invalid.BuildServiceProvider();
        bad.Invoking(p => p.GetRequiredService<IOptions<AgentCoordinationOptions>>().Value)
            .Should().Throw<OptionsValidationException>().WithMessage("*FlowRunRetention*");
    }

    [Fact]
    public async Task MaxRunsPerFlow_KeepsTheNewest_AndNumbersContinue()
    {
        using var h = new FacadeHarness(options: new AgentMemoryFacadeOptions { MaxRunsPerFlow = 3 });
        for (var i = 1; i <= 5; i++)
        {
            await h.Memory.WriteFlowRunAsync("flow", $"run{i % 2}", new RunData("done", i));
        }

        await h.Memory.WriteFlowRunAsync("other", "r", new RunData("done", 0));

        (await h.Memory.ReadFlowRunsAsync<RunData>("flow")).Select(r => r.Sequence).Should().Equal(5, 4, 3);
        (await h.Memory.ReadFlowRunsAsync<RunData>("flow", "run1")).Select(r => r.Data.DurationSeconds).Should().Equal(5, 3);
        (await h.Memory.WriteFlowRunAsync("flow", "run0", new RunData("done", 6))).Sequence.Should().Be(6);
        (await h.Memory.ReadFlowRunsAsync<RunData>("flow", limit: 10)).Select(r => r.Sequence).Should().Equal(6, 5, 4);
        var stats = await h.Memory.GetStatisticsAsync();
        stats.Flows.Should().Be(2);
        stats.FlowRunRecords.Should().Be(4, "three for the bounded flow, one for the other: the trimmed records are deleted");
    }

    [Fact]
    public async Task FlowRunRetention_ExpiresOldRunsOnTheTimeProvider()
    {
        using var h = new FacadeHarness(options: new AgentMemoryFacadeOptions { FlowRunRetention = TimeSpan.FromHours(1) });
        await h.Memory.WriteFlowRunAsync("flow", "early", new RunData("done", 1));
        h.Time.Advance(TimeSpan.FromMinutes(30));
        await h.Memory.WriteFlowRunAsync("flow", "late", new RunData("done", 2));

        h.Time.Advance(TimeSpan.FromMinutes(45));

        (await h.Memory.ReadFlowRunsAsync<RunData>("flow")).Select(r => r.RunId).Should().Equal("late");
        (await h.Memory.GetStatisticsAsync()).FlowRunRecords.Should().Be(1);

        h.Time.Advance(TimeSpan.FromMinutes(20));

        (await h.Memory.ReadFlowRunsAsync<RunData>("flow")).Should().BeEmpty();
        var stats = await h.Memory.GetStatisticsAsync();
        stats.Flows.Should().Be(0, "the flow's head expires with its newest run");
        stats.FlowRunRecords.Should().Be(0);
    }

    [Fact]
    public async Task NoBounds_KeepsEveryRun()
    {
        using var h = new FacadeHarness(options: new AgentMemoryFacadeOptions { MaxRunsPerFlow = null, FlowRunRetention = null });
        for (var i = 1; i <= 20; i++)
        {
            await h.Memory.WriteFlowRunAsync("flow", "r", new RunData("done", i));
        }

        h.Time.Advance(TimeSpan.FromDays(400));

        (await h.Memory.ReadFlowRunsAsync<RunData>("flow", limit: 100)).Should().HaveCount(20);
    }

    [Fact]
    public async Task ConcurrentWrites_GetDistinctSequences_WithinTheBound()
    {
        using var h = new FacadeHarness(options: new AgentMemoryFacadeOptions { MaxRunsPerFlow = 10 });
        var written = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => h.Memory.WriteFlowRunAsync("flow", $"r{i}", new RunData("done", i)).AsTask()));

        written.Select(r => r.Sequence).Should().OnlyHaveUniqueItems();
        (await h.Memory.ReadFlowRunsAsync<RunData>("flow", limit: 100)).Select(r => r.Sequence).Should().Equal(Enumerable.Range(41, 10).Reverse().Select(i => (long)i));
    }
}
