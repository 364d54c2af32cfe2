using AgentMemory.Redis.Storage;
using AgentMemory.Redis.Tests.Infrastructure;
using AgentMemory.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentMemory.Redis.Tests.DependencyInjection;

[Collection(RedisCollection.Name)]
public sealed class RedisMemoryBuilderExtensionsTests(RedisServerFixture fixture)
{
    [SkippableFact]
    public async Task AddRedis_ReplacesTheInProcessStore_WithOneRedisStore()
    {
        var prefix = RedisServerFixture.UniquePrefix("di");
        var services = new ServiceCollection();
        services.AddAgentMemory().AddRedis(o =>
        {
            o.ConnectionString = fixture.Server.ConnectionString;
            o.KeyPrefix = prefix;
        });
        await using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<IMemoryStore>();
        store.Should().BeOfType<RedisMemoryStore>();
        provider.GetRequiredService<IMemoryOperations>().Should().BeSameAs(store);
        provider.GetService<InMemoryStore>().Should().BeNull();
        ((RedisMemoryStore)store).KeyPrefix.Should().Be(prefix);
        await store.StoreAsync("k", "v");
        (await store.RetrieveAsync<string>("k")).Should().Be("v");
    }

    [Fact]
    public void AddRedis_InvalidOptions_FailWhenTheStoreIsResolved_NamingTheOption()
    {
        var services = new ServiceCollection();
        services.AddAgentMemory().AddRedis(o => o.OperationTimeout = TimeSpan.Zero);
        using var provider = services.BuildServiceProvider();

        var resolve = () => provider.GetRequiredService<IMemoryStore>();

        resolve.Should().Throw<OptionsValidationException>().WithMessage("*ConnectionString*").WithMessage("*OperationTimeout*");
    }

    [Fact]
    public void AddRedis_NullArguments_Throw()
    {
        var builder = new ServiceCollection().AddAgentMemory();

        builder.Invoking(b => b.AddRedis(null!)).Should().Throw<ArgumentNullException>();
        var noBuilder = () => ((IAgentMemoryBuilder)null!).AddRedis(_ => { });
        noBuilder.Should().Throw<ArgumentNullException>();
    }
}
