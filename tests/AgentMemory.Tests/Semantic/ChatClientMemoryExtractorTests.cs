using AgentMemory.Semantic;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace AgentMemory.Tests.Semantic;

public sealed class ChatClientMemoryExtractorTests
{
    [Fact]
    public async Task Extract_ParsesTheModelsJson()
    {
        var client = new ScriptedChatClient(
            """
            ```json
            [{"content": "User prefers window seats", "type": "preference", "importance": 0.8},
             {"content": "User is flying to Oslo", "type": "EPISODIC"},
             {"content": "", "type": "semantic"},
             {"type": "semantic"},
             {"content": "User is vegan", "type": "unknown-type", "importance": 7}]
            ```
            """);
        var found = await new ChatClientMemoryExtractor(client).ExtractAsync("I like window seats; flying to Oslo; I'm vegan.");

        found.Select(f => (f.Content, f.Type, f.Importance)).Should().Equal(
            ("User prefers window seats", MemoryType.Preference, 0.8),
            ("User is flying to Oslo", MemoryType.Episodic, 0.5),
            ("User is vegan", MemoryType.Semantic, 0.5));
        found.Should().OnlyContain(f => f.Metadata["extractor"] == (MetadataValue)"chat");
        client.LastMessages.Should().HaveCount(2);
        client.LastMessages![0].Text.Should().Be(ChatClientMemoryExtractor.Instructions);
    }

    [Fact]
    public async Task Extract_UnusableAnswerOrFailure_FallsBackToRules()
    {
        var garbage = await new ChatClientMemoryExtractor(new ScriptedChatClient("Sure! The user lives in Rome.")).ExtractAsync("I live in Rome");
        garbage.Should().ContainSingle().Which.Content.Should().Be("User lives in Rome");
        var failing = await new ChatClientMemoryExtractor(new ScriptedChatClient(null)).ExtractAsync("I live in Rome");
        failing.Should().ContainSingle().Which.Metadata["extractor"].Should().Be((MetadataValue)"rules");
        (await new ChatClientMemoryExtractor(new ScriptedChatClient("[]")).ExtractAsync("hello")).Should().BeEmpty();
    }

    [Fact]
    public async Task AddChatClientMemoryExtractor_IsUsedForLearning()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IChatClient>(new ScriptedChatClient("""[{"content": "User collects stamps", "type": "preference", "importance": 0.7}]"""));
        services.AddAgentMemory().AddChatClientMemoryExtractor().AddSemanticMemory();
        await using var provider = services.BuildServiceProvider();
        var memory = provider.GetRequiredService<ISemanticMemory>();
        var learned = await memory.LearnFromInteractionAsync(MemoryScope.ForUser("u"), "Stamps are my thing.");
        learned[0].Content.Should().Be("User collects stamps");
        learned[0].Type.Should().Be(MemoryType.Preference);
    }

    private sealed class ScriptedChatClient(string? answer) : IChatClient
    {
        public IReadOnlyList<ChatMessage>? LastMessages { get; private set; }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            LastMessages = [.. messages];
            return answer is null
                ? throw new HttpRequestException("model unavailable")
                : Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answer)));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
