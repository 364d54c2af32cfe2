using AgentMemory.PostgreSql.LongTerm;
using AgentMemory.PostgreSql.Tests.Infrastructure;
using AgentMemory.Storage;
using AgentMemory.Tiers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.PostgreSql.Tests.DependencyInjection;

[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlPersistenceBuilderExtensionsTests(PostgresServerFixture fixture)
{
    [SkippableFact]
    public async Task AddPostgreSqlPersistence_ResolvesOneTieredStoreForEveryInterface_AndSurvivesARestart()
    {
        var connectionString = await fixture.Server.CreateDatabaseAsync("di");
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using (var provider = Build(connectionString, time))
        {
            var store = provider.GetRequiredService<IMemoryStore>();
            store.Should().BeOfType<TieredMemoryStore>();
            provider.GetRequiredService<IMemoryOperations>().Should().BeSameAs(store);
            provider.GetRequiredService<ITieredMemoryStore>().Should().BeSameAs(store);
            provider.GetService<InMemoryStore>().Should().BeNull("writing to the hot tier directly would bypass persistence");
            ((TieredMemoryStore)store).Durability.Should().Be(DurabilityMode.WriteBehind);
            ((TieredMemoryStore)store).DatabasePath.Should().Contain("schema \"app\"");
            await store.StoreAsync("user:42", "Ada", new MemoryEntryOptions { Metadata = new Dictionary<string, MetadataValue> { ["role"] = "admin" } });
        }

        await using (var provider = Build(connectionString, time))
        {
            (await provider.GetRequiredService<IMemoryStore>().RetrieveAsync<string>("user:42")).Should().Be("Ada");
            provider.GetRequiredService<PostgreSqlLongTermStore>()
                .FindKeysByMetadata(new Dictionary<string, MetadataValue> { ["role"] = "admin" }, time.GetUtcNow())
                .Should().Equal("user:42");
        }
    }

    [SkippableFact]
    public void InvalidOptions_FailAtStartNamingTheOption()
    {
        var services = new ServiceCollection();
        services.AddAgentMemory().AddPostgreSqlPersistence("Host=127.0.0.1", o =>
        {
            o.Connection.Schema = "not a schema";
            o.WriteBehindBatchSize = 0;
        });
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        act.Should().Throw<OptionsValidationException>().WithMessage("*PostgreSqlMemoryOptions.Schema*").WithMessage("*PostgreSqlPersistenceOptions.WriteBehindBatchSize*");
    }

    [Fact]
    public void AddPostgreSqlPersistence_RejectsABlankConnectionString()
    {
        var act = () => new ServiceCollection().AddAgentMemory().AddPostgreSqlPersistence(" ");
        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void AddPostgreSqlPersistence_KeepsAUserRegisteredTieredStore_AndChains()
    {
        var services = new ServiceCollection();
        var builder = services.AddAgentMemory();
        builder.AddPostgreSqlPersistence("Host=127.0.0.1").Should().BeSameAs(builder);
        services.Count(d => d.ServiceType == typeof(TieredMemoryStore)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(PostgreSqlLongTermStore)).Should().Be(1);
    }

    private static ServiceProvider Build(string connectionString, TimeProvider time)
    {
        var services = new ServiceCollection();
        services.AddSingleton(time);
        services.AddAgentMemory().AddPostgreSqlPersistence(connectionString, o =>
        {
            o.Connection.Schema = "app";
            o.Durability = DurabilityMode.WriteBehind;
        });
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}
