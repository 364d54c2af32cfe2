using AgentMemory.Security;
using AgentMemory.Storage;
using AgentMemory.Tests.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.DependencyInjection;

public sealed class MemorySecurityBuilderExtensionsTests
{
    [Fact]
    public async Task AddMemorySecurity_DecoratesStoreAndOperations_AndEncryptsIntoTheInnerStore()
    {
        using var keys = NewKeys();
        using var audit = new InMemoryAuditLog(SecurityHarness.KeyBytes(9));
        var services = new ServiceCollection();
        services.AddAgentMemory().AddMemorySecurity(o => o.EncryptedKeyPatterns.Add("secret:*"), keys, audit);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var store = provider.GetRequiredService<IMemoryStore>();
        var operations = provider.GetRequiredService<IMemoryOperations>();
        var security = provider.GetRequiredService<IMemorySecurity>();

        store.Should().BeOfType<SecuredMemoryStore>();
        operations.Should().BeSameAs(store);
        security.Should().BeSameAs(provider.GetRequiredService<MemorySecurity>());
        provider.GetRequiredService<SharedMemoryRegistry>().Should().NotBeNull();

        await security.GrantAccessAsync("agent", "*", MemoryAction.Read | MemoryAction.Write);
        using (MemorySecurityContext.BeginScope(new MemoryPrincipal("agent")))
        {
            await store.StoreAsync("secret:1", "classified");
            (await store.RetrieveAsync<string>("secret:1")).Should().Be("classified");
        }

        var inner = provider.GetRequiredService<InMemoryStore>();
        (await inner.RetrieveAsync<byte[]>("secret:1")).Should().NotBeNull();
        var denied = async () => await store.RetrieveAsync<string>("secret:1");
        await denied.Should().ThrowAsync<MemoryAccessDeniedException>();
        (await security.VerifyAuditLogAsync()).IsValid.Should().BeTrue();
    }

    [Fact]
    public async Task AddMemorySecurity_UsesRegisteredKeysAuditLogAndClock()
    {
        var time = new FakeTimeProvider(SecurityHarness.Epoch);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton<IKeyProvider>(_ => NewKeys());
        services.AddSingleton<IMemoryAuditLog>(_ => new InMemoryAuditLog(SecurityHarness.KeyBytes(9)));
        services.AddAgentMemory().AddMemorySecurity(o => o.EnableAccessControl = false);
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<IMemoryStore>().StoreAsync("k", 1);

        var entries = await provider.GetRequiredService<IMemorySecurity>().GetAuditLogAsync(new MemoryAuditQuery());
        entries.Should().ContainSingle().Which.Record.Timestamp.Should().Be(SecurityHarness.Epoch);
    }

    [Fact]
    public async Task AddMemorySecurity_WithoutKeys_FailsWithAMessageThatSaysWhatToRegister()
    {
        var services = new ServiceCollection();
        services.AddAgentMemory().AddMemorySecurity();
        await using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IMemoryStore>();

        act.Should().Throw<InvalidOperationException>().WithMessage("*IKeyProvider*");
    }

    [Fact]
    public async Task AddMemorySecurity_InvalidOptions_FailAtStartWithTheOptionName()
    {
        using var keys = NewKeys();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAgentMemory().AddMemorySecurity(o => o.MaxBatchSize = 0, keys, new InMemoryAuditLog(SecurityHarness.KeyBytes(9)));
        using var host = builder.Build();

        var act = async () => await host.StartAsync();

        (await act.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("MemorySecurityOptions.MaxBatchSize");
    }

    [Fact]
    public void AddMemorySecurity_BeforeAddAgentMemoryOrTwice_Throws()
    {
        var services = new ServiceCollection();
        var builder = services.AddAgentMemory();
        builder.AddMemorySecurity();

        ((Action)(() => builder.AddMemorySecurity())).Should().Throw<InvalidOperationException>().WithMessage("*already*");

        var bare = new ServiceCollection();
        var fake = new BareBuilder(bare);
        ((Action)(() => fake.AddMemorySecurity())).Should().Throw<InvalidOperationException>().WithMessage("*AddAgentMemory*");
    }

    [Fact]
    public async Task AddMemorySecurity_KeepsAUserRegisteredSecurityService()
    {
        using var keys = NewKeys();
        var services = new ServiceCollection();
        var custom = new MemorySecurity(new InMemoryStore(), new InMemoryStore(), keys, new InMemoryAuditLog(SecurityHarness.KeyBytes(9)));
        services.AddSingleton<IMemorySecurity>(custom);
        services.AddAgentMemory().AddMemorySecurity(keys: keys, auditLog: new InMemoryAuditLog(SecurityHarness.KeyBytes(9)));
        await using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IMemorySecurity>().Should().BeSameAs(custom);
    }

    private static InProcessKeyProvider NewKeys()
    {
        var keys = new InProcessKeyProvider();
        keys.AddKey("k1", SecurityHarness.KeyBytes(1));
        return keys;
    }

    private sealed class BareBuilder(IServiceCollection services) : IAgentMemoryBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
