using Microsoft.Extensions.AI;

namespace AgentMemory.Tests.Semantic;

/// <summary>
/// A user tells an agent about themselves over a conversation; later questions must bring back the right earlier fact.
/// Another user's facts sit in the same memory as distractors.
/// </summary>
public sealed class ScriptedConversationTests
{
    // Facts are learned for the user, so any later session of that user sees them.
    private static readonly MemoryScope Alice = MemoryScope.ForUser("alice");
    private static readonly MemoryScope Bob = MemoryScope.ForUser("bob");

    private static readonly string[] AliceSays =
    [
        "Hi! My name is Alice Martin.",
        "I work at Contoso as a data engineer.",
        "I live in Lisbon, near the river.",
        "I love hiking in the mountains on weekends.",
        "My favorite color is green.",
        "I prefer tea over coffee.",
        "My birthday is on March 3rd.",
        "I have a dog called Pixel.",
    ];

    private static readonly string[] BobSays =
    [
        "My name is Bob.",
        "I work for Fabrikam.",
        "I live in Oslo.",
        "My favorite color is blue.",
        "I prefer coffee.",
    ];

    [Theory]
    [InlineData("What is my name?", "Alice")]
    [InlineData("Where do I work?", "Contoso")]
    [InlineData("Where do I live?", "Lisbon")]
    [InlineData("What is my favorite color?", "green")]
    [InlineData("Do I prefer tea or coffee?", "tea")]
    [InlineData("When is my birthday?", "March 3rd")]
    [InlineData("What do I like doing on weekends?", "hiking")]
    public async Task BuiltInEmbedder_LaterQuestionsRetrieveEarlierFacts(string question, string expected)
    {
        using var harness = await Converse(null);
        var results = await harness.Ask(question, Alice with { SessionId = "s2" }, limit: 3);

        results.Should().NotBeEmpty();
        results[0].Memory.Content.Should().Contain(expected);
        results.Should().OnlyContain(r => r.Memory.Scope.UserId == "alice");
    }

    [Theory]
    [InlineData("What is my job?", "Contoso")]
    [InlineData("Which city is my home?", "Lisbon")]
    [InlineData("Which beverage do I like?", "tea")]
    [InlineData("Any outdoors hobby?", "hiking")]
    [InlineData("Do I have a pet animal?", "Pixel")]
    public async Task TestEmbedder_ParaphrasedQuestionsRetrieveEarlierFacts(string question, string expected)
    {
        using var harness = await Converse(new ConceptEmbedder());
        var results = await harness.Ask(question, Alice, limit: 3);

        results.Should().NotBeEmpty();
        results[0].Memory.Content.Should().Contain(expected);
        results.Should().OnlyContain(r => r.Memory.Scope.UserId == "alice");
    }

    [Fact]
    public async Task BuiltInEmbedder_BobsQuestionsGetBobsFacts()
    {
        using var harness = await Converse(null);
        (await harness.Ask("Where do I live?", Bob, limit: 1))[0].Memory.Content.Should().Contain("Oslo");
        (await harness.Ask("What is my favorite color?", Bob, limit: 1))[0].Memory.Content.Should().Contain("blue");
    }

    [Fact]
    public async Task Learning_ExtractsTypedFactsWithProvenance_AndConversationIsKept()
    {
        using var harness = await Converse(null);
        var conversation = Alice with { SessionId = "s1", ConversationId = "c1" };
        var turns = await harness.Memory.GetConversationAsync(conversation);
        turns.Select(t => t.Content).Should().Equal(AliceSays.SelectMany(s => new[] { s, $"Noted: {s}" }));

        var stats = await harness.Memory.GetStatisticsAsync(Alice);
        stats.CountByType[MemoryType.Preference].Should().BeGreaterThanOrEqualTo(3);
        stats.CountByType[MemoryType.Episodic].Should().Be(AliceSays.Length);

        var color = (await harness.Ask("favorite color", Alice, limit: 1, q => q.Types = [MemoryType.Preference]))[0].Memory;
        color.Content.Should().Be("User's favorite color is green");
        color.SourceIds.Should().ContainSingle().Which.Should().Be(turns[8].Id, "the fact came from the ninth turn");
        color.Metadata["attribute"].Should().Be((MetadataValue)"favorite color");
    }

    [Fact]
    public async Task Learning_SameFactTwice_ReinforcesInsteadOfDuplicating()
    {
        using var harness = new SemanticHarness();
        var first = await harness.Memory.LearnFromInteractionAsync(Alice, "I live in Lisbon.");
        harness.Time.Advance(TimeSpan.FromHours(1));
        var second = await harness.Memory.LearnFromInteractionAsync(Alice, "I live in Lisbon!", sourceIds: ["turn-2"]);

        second[0].Id.Should().Be(first[0].Id);
        second[0].Importance.Should().BeGreaterThan(first[0].Importance);
        second[0].SourceIds.Should().Contain("turn-2");
        (await harness.Memory.GetStatisticsAsync(Alice)).CountByType[MemoryType.Semantic].Should().Be(1);
    }

    private static async Task<SemanticHarness> Converse(IEmbeddingGenerator<string, Embedding<float>>? embedder)
    {
        var harness = new SemanticHarness(embedder);
        await Tell(harness, Alice with { SessionId = "s1", ConversationId = "c1" }, Alice, AliceSays);
        await Tell(harness, Bob with { SessionId = "s9", ConversationId = "c2" }, Bob, BobSays);
        return harness;
    }

    private static async Task Tell(SemanticHarness harness, MemoryScope conversation, MemoryScope scope, string[] lines)
    {
        foreach (var line in lines)
        {
            var turn = await harness.Memory.AddConversationTurnAsync(conversation, "user", line);
            await harness.Memory.AddConversationTurnAsync(conversation, "assistant", $"Noted: {line}");
            await harness.Memory.LearnFromInteractionAsync(scope, line, $"Noted: {line}", [turn.Id]);
            harness.Time.Advance(TimeSpan.FromMinutes(2));
        }
    }
}
