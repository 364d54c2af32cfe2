using AgentMemory.Persistence;
using AgentMemory.Storage;
using AgentMemory.Tiers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.DependencyInjection;

public sealed class SqlitePersistenceBuilderExtensionsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AddSqlitePersistence_ResolvesOneTieredStoreForEveryInterface_AndSurvivesARestart()
    {
        var path = _directory.File("memory.db");
        await using (var provider = Build(path))
        {
            var store = provider.GetRequiredService<IMemoryStore>();
            store.Should().BeOfType<TieredMemoryStore>();
            provider.GetRequiredService<IMemoryOperations>().Should().BeSameAs(store);
            provider.GetRequiredService<ITieredMemoryStore>().Should().BeSameAs(store);
            provider.GetService<InMemoryStore>().Should().BeNull("writing to the hot tier directly would bypass persistence");
            await store.StoreAsync("user:42", "Ada");
        }

        await using (var provider = Build(path))
        {
            (await provider.GetRequiredService<IMemoryStore>().RetrieveAsync<string>("user:42")).Should().Be("Ada");
        }
    }

    [Fact]
    public async Task AddSqlitePersistence_UsesTheHotTierOptionsAndTheRegisteredClock()
    {
        var time = new FakeTimeProvider();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddAgentMemory(o => o.HotTier.MaxEntries = 3)
            .AddSqlitePersistence(_directory.File("m.db"), o => o.Durability = DurabilityMode.WriteBehind);
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<ITieredMemoryStore>();

        (await store.GetStatisticsAsync()).MaxEntries.Should().Be(3);
        (await store.GetTierStatisticsAsync()).Durability.Should().Be(DurabilityMode.WriteBehind);
        await store.StoreAsync("k", 1, new MemoryEntryOptions { Ttl = TimeSpan.FromMinutes(1) });
        time.Advance(TimeSpan.FromMinutes(2));
        (await store.ExistsAsync("k")).Should().BeFalse();
    }

    [Fact]
    public async Task InvalidPersistenceOptions_FailAtStartNamingTheOption()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAgentMemory().AddSqlitePersistence(_directory.File("m.db"), o => o.WriteBehindBatchSize = 0);
        using var host = builder.Build();

        var act = () => host.StartAsync();

        (await act.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("WriteBehindBatchSize");
    }

    [Fact]
    public void AddSqlitePersistence_RejectsABlankPath()
    {
        var act = () => new ServiceCollection().AddAgentMemory().AddSqlitePersistence(" ");
        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public async Task AddMemoryManager_RegistersAManagerThatChainsWithPersistence()
    {
        var services = new ServiceCollection();
        services.AddAgentMemory()
            .AddSqlitePersistence(_directory.File("main.db"))
            .AddMemoryManager(o => o.RootDirectory = _directory.File("named"));
        await using var provider = services.BuildServiceProvider();

        var manager = provider.GetRequiredService<IMemoryManager>();
        var memory = await manager.CreateMemoryAsync("planner");
        await memory.StoreAsync("k", 1);

        File.Exists(Path.Combine(_directory.File("named"), "planner.db")).Should().BeTrue();
        (await manager.ListMemoriesAsync()).Should().Equal("planner");
    }

    [Fact]
    public async Task AddMemoryManager_KeepsAUsersOwnRegistration()
    {
        var mine = new MemoryManager();
        var services = new ServiceCollection();
        services.AddSingleton<IMemoryManager>(mine);
        services.AddAgentMemory().AddMemoryManager();
        await using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IMemoryManager>().Should().BeSameAs(mine);
    }

    private static ServiceProvider Build(string path)
    {
        var services = new ServiceCollection();
        services.AddAgentMemory().AddSqlitePersistence(path);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
