using AgentMemory.Tests.Requests;
using AgentMemory.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.DependencyInjection;

public sealed class StreamingAndRequestsBuilderExtensionsTests
{
    [Fact]
    public async Task AddMemoryStreaming_StreamsTheRegisteredStoresChanges()
    {
        var services = new ServiceCollection();
        services.AddAgentMemory().AddMemoryStreaming(o => o.RetainedChanges = 100);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var streaming = provider.GetRequiredService<IMemoryStreaming>();
        provider.GetRequiredService<IMemoryStreaming>().Should().BeSameAs(streaming);
        await provider.GetRequiredService<IMemoryStore>().StoreAsync("k", 1);

        var changes = await streaming.ReplayAsync(await streaming.CreateStreamAsync(), DateTimeOffset.MinValue);
        changes.Should().ContainSingle(c => c.Key == "k" && c.ChangeType == MemoryChangeType.Created);
    }

    [Fact]
    public async Task AddMemoryStreaming_InvalidOptions_FailWithTheOptionsName()
    {
        var services = new ServiceCollection();
        services.AddAgentMemory().AddMemoryStreaming(o => o.RetainedChanges = -1);
        await using var provider = services.BuildServiceProvider();

        FluentActions.Invoking(() => provider.GetRequiredService<IOptions<AgentMemory.Streaming.MemoryStreamingOptions>>().Value)
            .Should().Throw<OptionsValidationException>().WithMessage("*RetainedChanges*");
    }

    [Fact]
    public async Task AddMemoryRequests_UsesTheRegisteredHandlerClockAndStore()
    {
        var time = new FakeTimeProvider(StoreHarness.Epoch);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton<IMemoryRequestHandler, ScriptedHandler>();
        services.AddAgentMemory().AddMemoryRequests(o => o.WorkerCount = 1, r => r.CacheKeyPrefix = "r:");
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var requests = provider.GetRequiredService<IMemoryRequests>();
        var responses = provider.GetRequiredService<IMemoryResponses>();
        var id = await requests.EnqueueAsync("echo", new byte[] { 7 });
        var response = await requests.WaitForResponseAsync(id);
        await responses.CacheAsync(response);

        (await provider.GetRequiredService<IMemoryStore>().ExistsAsync("r:" + id)).Should().BeTrue();
        (await responses.GetCachedAsync(id))!.Data.ToArray().Should().Equal(7);
        response.CreatedAt.Should().Be(StoreHarness.Epoch);
    }

    [Fact]
    public async Task AddMemoryRequests_WithoutHandler_ExplainsWhatIsMissing()
    {
        var services = new ServiceCollection();
        services.AddAgentMemory().AddMemoryRequests();
        await using var provider = services.BuildServiceProvider();

        FluentActions.Invoking(() => provider.GetRequiredService<IMemoryRequests>())
            .Should().Throw<InvalidOperationException>().WithMessage("*IMemoryRequestHandler*");
    }

    [Fact]
    public async Task AddMemoryStreamingAndRequests_KeepUserRegistrations()
    {
        var services = new ServiceCollection();
        var responses = AgentMemory.Requests.MemoryRequestsFactory.CreateResponses(new AgentMemory.Storage.InMemoryStore());
        services.AddSingleton(responses);
        services.AddAgentMemory().AddMemoryRequests().AddMemoryStreaming();
        await using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IMemoryResponses>().Should().BeSameAs(responses);
        services.Count(d => d.ServiceType == typeof(IMemoryStreaming)).Should().Be(1);
    }
}
