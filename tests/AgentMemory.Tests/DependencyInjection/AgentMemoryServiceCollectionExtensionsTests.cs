using AgentMemory.Serialization;
using AgentMemory.Storage;
using AgentMemory.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.DependencyInjection;

public sealed class AgentMemoryServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddAgentMemory_RegistersStoreAndOperationsAsOneSingleton()
    {
        var services = new ServiceCollection();
        services.AddAgentMemory();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var store = provider.GetRequiredService<IMemoryStore>();
        var operations = provider.GetRequiredService<IMemoryOperations>();

        store.Should().BeOfType<InMemoryStore>();
        operations.Should().BeSameAs(store);
        provider.GetRequiredService<IMemoryStore>().Should().BeSameAs(store);
        provider.GetRequiredService<InMemoryStore>().Should().BeSameAs(store);
        using (var scope = provider.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<IMemoryOperations>().Should().BeSameAs(store);
        }

        await store.StoreAsync("k", 41L);
        (await operations.IncrementAsync("k")).Should().Be(42);
    }

    [Fact]
    public async Task AddAgentMemory_Defaults_AreTheSystemClockAndTheDefaultSerializer()
    {
        var services = new ServiceCollection();
        services.AddAgentMemory();
        await using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<TimeProvider>().Should().BeSameAs(TimeProvider.System);
        provider.GetRequiredService<IMemorySerializer>().Should().BeSameAs(MessagePackMemorySerializer.Default);
        provider.GetRequiredService<InMemoryStore>().Serializer.Should().BeSameAs(MessagePackMemorySerializer.Default);
        var stats = await provider.GetRequiredService<IMemoryStore>().GetStatisticsAsync();
        stats.MaxEntries.Should().BeNull();
        stats.MaxBytes.Should().BeNull();
    }

    [Fact]
    public async Task DisposingTheProvider_DisposesTheStoreItCreated()
    {
        var services = new ServiceCollection();
        services.AddAgentMemory();
        var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<IMemoryStore>();

        await provider.DisposeAsync();

        var act = async () => await store.StoreAsync("k", 1);
        await act.Should().ThrowAsync<ObjectDisposedException>();
    }

    [Fact]
    public void AddAgentMemory_RegistersEachServiceOnce_EvenWhenCalledTwice()
    {
        var services = new ServiceCollection();

        services.AddAgentMemory();
        services.AddAgentMemory();

        services.Count(d => d.ServiceType == typeof(IMemoryStore)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(IMemoryOperations)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(InMemoryStore)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(IValidateOptions<AgentMemoryOptions>)).Should().Be(1);
        services.Where(d => d.ServiceType == typeof(IMemoryStore)).Should().OnlyContain(d => d.Lifetime == ServiceLifetime.Singleton);
    }

    [Fact]
    public void AddAgentMemory_ReturnsABuilderOverTheSameCollection()
    {
        var services = new ServiceCollection();

        var builder = services.AddAgentMemory();

        builder.Services.Should().BeSameAs(services);
    }

    [Fact]
    public void AddAgentMemory_NullServices_ThrowsArgumentNullException()
    {
        var act = () => AgentMemoryServiceCollectionExtensions.AddAgentMemory(null!);

        act.Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public async Task AddAgentMemory_UserRegistrationsMadeBefore_AreNotReplaced()
    {
        var time = new FakeTimeProvider(StoreHarness.Epoch);
        var serializer = new MessagePackMemorySerializer();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton<IMemorySerializer>(serializer);
        services.AddAgentMemory();
        await using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<TimeProvider>().Should().BeSameAs(time);
        provider.GetRequiredService<IMemorySerializer>().Should().BeSameAs(serializer);
        var store = provider.GetRequiredService<InMemoryStore>();
        store.Serializer.Should().BeSameAs(serializer);

        await store.StoreAsync("k", 1, new MemoryEntryOptions { Ttl = TimeSpan.FromMinutes(1) });
        (await store.GetEntryInfoAsync("k"))!.ExpiresAt.Should().Be(StoreHarness.Epoch.AddMinutes(1));
    }

    [Fact]
    public async Task AddAgentMemory_UserStoreRegisteredBefore_IsNotReplaced()
    {
        using var own = new InMemoryStore();
        var services = new ServiceCollection();
        services.AddSingleton<IMemoryStore>(own);
        services.AddAgentMemory();
        await using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IMemoryStore>().Should().BeSameAs(own);
        services.Count(d => d.ServiceType == typeof(IMemoryStore)).Should().Be(1);
    }

    [Fact]
    public async Task AddAgentMemory_Configure_AppliesTheOptionsToTheStore()
    {
        var services = new ServiceCollection();
        services.AddAgentMemory(o =>
        {
            o.HotTier.MaxEntries = 2;
            o.HotTier.MaxBytes = 1_000;
        });
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<IMemoryStore>();

        for (var i = 0; i < 5; i++)
        {
            await store.StoreAsync($"k{i}", i);
        }

        var stats = await store.GetStatisticsAsync();
        stats.MaxEntries.Should().Be(2);
        stats.MaxBytes.Should().Be(1_000);
        stats.EntryCount.Should().Be(2);
    }

    [Theory]
    [InlineData("MaxEntries")]
    [InlineData("MaxBytes")]
    [InlineData("ExpirationScanInterval")]
    [InlineData("MaxExpirationsPerScan")]
    public async Task HostStart_InvalidOption_FailsWithAnOptionsValidationExceptionNamingIt(string option)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAgentMemory(o => Break(o.HotTier, option));
        using var host = builder.Build();

        var act = async () => await host.StartAsync();

        var thrown = await act.Should().ThrowAsync<OptionsValidationException>();
        thrown.Which.Message.Should().Contain($"AgentMemoryOptions.HotTier.{option}");
        thrown.Which.OptionsType.Should().Be(typeof(AgentMemoryOptions));
    }

    [Fact]
    public void StartupValidator_SeveralInvalidOptions_ReportsEachOfThem()
    {
        var services = new ServiceCollection();
        services.AddAgentMemory(o =>
        {
            o.HotTier.MaxEntries = 0;
            o.HotTier.ExpirationScanInterval = TimeSpan.Zero;
        });
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        var thrown = act.Should().Throw<OptionsValidationException>().Which;
        thrown.Failures.Should().HaveCount(2);
        thrown.Message.Should().Contain("AgentMemoryOptions.HotTier.MaxEntries").And.Contain("AgentMemoryOptions.HotTier.ExpirationScanInterval");
    }

    [Fact]
    public void StartupValidator_ValidOptions_Passes()
    {
        var services = new ServiceCollection();
        services.AddAgentMemory(o => o.HotTier.MaxEntries = 1);
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        act.Should().NotThrow();
    }

    [Fact]
    public void Resolve_InvalidOptionsWithoutHostStart_FailsAtTheLatestOnFirstResolve()
    {
        var services = new ServiceCollection();
        services.AddAgentMemory(o => o.HotTier.MaxEntries = 0);
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IMemoryStore>();

        act.Should().Throw<OptionsValidationException>().WithMessage("*AgentMemoryOptions.HotTier.MaxEntries*");
    }

    [Fact]
    public async Task HostStart_ValidOptions_StartsAndTheStoreWorks()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAgentMemory(o => o.HotTier.MaxEntries = 10);
        using var host = builder.Build();

        await host.StartAsync();
        var store = host.Services.GetRequiredService<IMemoryStore>();
        await store.StoreAsync("k", "v");

        (await store.RetrieveAsync<string>("k")).Should().Be("v");
        await host.StopAsync();
    }

    private static void Break(HotTierOptions options, string option)
    {
        switch (option)
        {
            case "MaxEntries":
                options.MaxEntries = 0;
                break;
            case "MaxBytes":
                options.MaxBytes = -1;
                break;
            case "ExpirationScanInterval":
                options.ExpirationScanInterval = TimeSpan.Zero;
                break;
            default:
                options.MaxExpirationsPerScan = 0;
                break;
        }
    }
}
