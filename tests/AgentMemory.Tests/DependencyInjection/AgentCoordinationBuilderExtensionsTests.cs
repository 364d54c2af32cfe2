using AgentMemory.AgentFramework;
using AgentMemory.Agents;
using AgentMemory.Locks;
using AgentMemory.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.DependencyInjection;

public sealed class AgentCoordinationBuilderExtensionsTests
{
    [Fact]
    public async Task AddAgentCoordination_RegistersEveryServiceOverTheStore()
    {
        var services = new ServiceCollection();
        services.AddAgentMemory().AddAgentCoordination();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        provider.GetRequiredService<IDistributedLockProvider>().Should().BeOfType<MemoryStoreLockProvider>();
        provider.GetRequiredService<IAgentManager>().Should().BeSameAs(provider.GetRequiredService<MemoryStoreAgentManager>());
        provider.GetRequiredService<IAgentPool>().Should().BeOfType<MemoryStoreAgentPool>();
        provider.GetRequiredService<IWorkflowStateStore>().Should().BeOfType<MemoryStoreWorkflowStateStore>();
        var memory = provider.GetRequiredService<IAgentMemory>();
        memory.Should().BeOfType<AgentMemoryFacade>();

        await provider.GetRequiredService<IAgentManager>().RegisterAgentAsync(new AgentInfo("a", "w"), []);
        await memory.SetContextAsync("c", 1);
        (await provider.GetRequiredService<IMemoryStore>().ListKeysAsync()).Should().Contain(["agents:agent:a", "af:ctx:c"]);
        (await memory.GetStatisticsAsync()).RegisteredAgents.Should().Be(1);
    }

    [Fact]
    public async Task AddAgentCoordination_AppliesOptions_AndTheRegisteredClock()
    {
        var time = new FakeTimeProvider();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddAgentMemory().AddAgentCoordination(o =>
        {
            o.Agents.HeartbeatTtl = TimeSpan.FromSeconds(5);
            o.Locks.KeyPrefix = "mylocks:";
        });
        await using var provider = services.BuildServiceProvider();
        var agents = provider.GetRequiredService<IAgentManager>();
        await agents.RegisterAgentAsync(new AgentInfo("a", "w"), []);

        time.Advance(TimeSpan.FromSeconds(5));

        (await agents.GetAgentStatusAsync("a")).Should().Be(AgentStatus.Unavailable);
        await using (await provider.GetRequiredService<IDistributedLockProvider>().AcquireAsync("r"))
        {
            (await provider.GetRequiredService<IMemoryStore>().ListKeysAsync("mylocks:*")).Should().NotBeEmpty();
        }
    }

    [Fact]
    public async Task AddAgentCoordination_KeepsUserRegistrations()
    {
        var services = new ServiceCollection();
        var custom = new RecordingLockProvider();
        services.AddSingleton<IDistributedLockProvider>(custom);
        services.AddAgentMemory().AddAgentCoordination();
        await using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IDistributedLockProvider>().Should().BeSameAs(custom);
        await provider.GetRequiredService<IAgentMemory>().Invoking(m => m.AcquireLockAsync("x").AsTask()).Should().ThrowAsync<MemoryLockTimeoutException>();
        custom.Calls.Should().Be(1);
    }

    [Fact]
    public async Task AddAgentCoordination_InvalidOptions_FailNamingTheOption()
    {
        var services = new ServiceCollection();
        services.AddAgentMemory().AddAgentCoordination(o => o.Workflows.FinishedRetention = TimeSpan.Zero);
        await using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IWorkflowStateStore>();

        act.Should().Throw<OptionsValidationException>().WithMessage("*AgentCoordinationOptions.Workflows.FinishedRetention*");
    }

    [Fact]
    public void AddAgentCoordination_ReturnsTheSameBuilder()
    {
        var builder = new ServiceCollection().AddAgentMemory();

        builder.AddAgentCoordination().Should().BeSameAs(builder);
        FluentActions.Invoking(() => AgentCoordinationBuilderExtensions.AddAgentCoordination(null!)).Should().Throw<ArgumentNullException>();
    }

    /// <summary>A lock provider that grants nothing and counts calls.</summary>
    private sealed class RecordingLockProvider : IDistributedLockProvider
    {
        public int Calls { get; private set; }

        public ValueTask<ILockLease?> TryAcquireAsync(string resource, LockOptions? options = null, CancellationToken cancellationToken = default)
        {
            Calls++;
            return ValueTask.FromResult<ILockLease?>(null);
        }

        public async ValueTask<ILockLease> AcquireAsync(string resource, LockOptions? options = null, CancellationToken cancellationToken = default)
            => await TryAcquireAsync(resource, options, cancellationToken) ?? throw new MemoryLockTimeoutException(resource, TimeSpan.Zero);

        public ValueTask<LockInfo?> GetLockInfoAsync(string resource, CancellationToken cancellationToken = default) => ValueTask.FromResult<LockInfo?>(null);

        public ValueTask ExecuteFencedAsync(string resource, long fencingToken, Func<CancellationToken, ValueTask> write, CancellationToken cancellationToken = default)
            => throw new MemoryFencingException(resource, fencingToken, 0);
    }
}
