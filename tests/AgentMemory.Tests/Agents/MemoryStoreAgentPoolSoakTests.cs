namespace AgentMemory.Tests.Agents;

public sealed class MemoryStoreAgentPoolSoakTests : IDisposable
{
    private readonly AgentHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task ConcurrentAddsAndRemoves_NeverBreakTheBounds()
    {
        await _h.Pools.CreatePoolAsync("p", new AgentPoolConfig(2, 5, 3));
        for (var i = 0; i < 20; i++)
        {
            await _h.RegisterAsync($"a{i}");
        }

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var violations = 0;
        var workers = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            await start.Task;
            for (var round = 0; round < 25; round++)
            {
                try
                {
                    if ((round + i) % 2 == 0)
                    {
                        await _h.Pools.AddAgentAsync("p", $"a{i}");
                    }
                    else
                    {
                        await _h.Pools.RemoveAgentAsync("p", $"a{i}");
                    }
                }
                catch (AgentPoolException)
                {
                    // At a bound: expected under contention.
                }

                var size = (await _h.Pools.GetPoolAgentsAsync("p")).Count;
                if (size > 5)
                {
                    Interlocked.Increment(ref violations);
                }
            }
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(workers);

        violations.Should().Be(0);
        var members = await _h.Pools.GetPoolAgentsAsync("p");
        members.Should().OnlyHaveUniqueItems();
        members.Count.Should().BeInRange(2, 5);
    }
}
