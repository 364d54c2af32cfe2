using AgentMemory.Semantic;
using AgentMemory.Tests.Semantic;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.DependencyInjection;

public sealed class SemanticMemoryBuilderExtensionsTests
{
    [Fact]
    public async Task AddSemanticMemory_WithoutGenerator_UsesBuiltInEmbedderOverTheStore()
    {
        var services = new ServiceCollection();
        services.AddAgentMemory().AddSemanticMemory(o => o.KeyPrefix = "sem:");
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var memory = provider.GetRequiredService<ISemanticMemory>();
        memory.Should().BeSameAs(provider.GetRequiredService<SemanticMemory>());
        var stored = await memory.StoreAsync(new MemoryInput { Content = "User likes jazz", Scope = MemoryScope.ForUser("u") });
        (await provider.GetRequiredService<IMemoryStore>().ExistsAsync("sem:m:" + stored.Id)).Should().BeTrue();
        (await memory.CheckHealthAsync()).UsesBuiltInEmbedder.Should().BeTrue();
    }

    [Fact]
    public async Task AddEmbeddingGenerator_IsPickedUp_AndUserRegistrationsWin()
    {
        var services = new ServiceCollection();
        var time = new FakeTimeProvider();
        var mine = new ConceptEmbedder();
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(mine);
        services.AddAgentMemory()
            .AddEmbeddingGenerator(new HashingEmbeddingGenerator())
            .AddSemanticMemory();
        await using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().Should().BeSameAs(mine);
        var memory = provider.GetRequiredService<ISemanticMemory>();
        var health = await memory.CheckHealthAsync();
        health.UsesBuiltInEmbedder.Should().BeFalse();
        health.Dimensions.Should().Be(ConceptEmbedder.Dimensions);
        var stored = await memory.StoreAsync(new MemoryInput { Content = "x y z" });
        stored.Timestamp.Should().Be(time.GetUtcNow());
    }

    [Fact]
    public async Task AddEmbeddingGenerator_Factory_AndCustomExtractor()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IMemoryExtractor>(new FixedExtractor());
        services.AddAgentMemory().AddEmbeddingGenerator(_ => new HashingEmbeddingGenerator(32)).AddSemanticMemory();
        await using var provider = services.BuildServiceProvider();
        var memory = provider.GetRequiredService<ISemanticMemory>();
        (await memory.CheckHealthAsync()).Dimensions.Should().Be(32);
        (await memory.ExtractKeyInformationAsync("anything")).Should().ContainSingle().Which.Content.Should().Be("fixed");
    }

    [Fact]
    public async Task AddSemanticMemory_InvalidOptions_FailAtStart()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAgentMemory().AddSemanticMemory(o => o.VectorWeight = -1);
        using var host = builder.Build();
        var start = () => host.StartAsync();
        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("VectorWeight");
    }

    [Fact]
    public void Extensions_NullArguments_Throw()
    {
        FluentActions.Invoking(() => SemanticMemoryBuilderExtensions.AddSemanticMemory(null!)).Should().Throw<ArgumentNullException>();
        var builder = new ServiceCollection().AddAgentMemory();
        FluentActions.Invoking(() => builder.AddEmbeddingGenerator((IEmbeddingGenerator<string, Embedding<float>>)null!)).Should().Throw<ArgumentNullException>();
    }

    private sealed class FixedExtractor : IMemoryExtractor
    {
        public ValueTask<IReadOnlyList<ExtractedMemory>> ExtractAsync(string text, CancellationToken cancellationToken = default) =>
            new([new ExtractedMemory("fixed", MemoryType.Semantic, 0.5, new Dictionary<string, MetadataValue>())]);
    }
}
