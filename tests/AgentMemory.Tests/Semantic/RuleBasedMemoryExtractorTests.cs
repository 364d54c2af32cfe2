using AgentMemory.Semantic;

namespace AgentMemory.Tests.Semantic;

public sealed class RuleBasedMemoryExtractorTests
{
    private readonly RuleBasedMemoryExtractor _extractor = new();

    [Theory]
    [InlineData("My name is Alice Martin.", "User's name is Alice Martin", MemoryType.Semantic, "name")]
    [InlineData("Please call me Sam", "User's name is Sam", MemoryType.Semantic, "name")]
    [InlineData("I work at Contoso Ltd, mostly remote.", "User works at Contoso Ltd", MemoryType.Semantic, "work")]
    [InlineData("I'm a nurse at Mercy Hospital", "User works as a nurse at Mercy Hospital", MemoryType.Semantic, "work")]
    [InlineData("I live in Lisbon", "User lives in Lisbon", MemoryType.Semantic, "location")]
    [InlineData("I'm from Kyoto", "User is from Kyoto", MemoryType.Semantic, "location")]
    [InlineData("I really love Italian food!", "User loves Italian food", MemoryType.Preference, "preference")]
    [InlineData("I prefer tea over coffee", "User prefers tea over coffee", MemoryType.Preference, "preference")]
    [InlineData("I don't like loud music", "User doesn't like loud music", MemoryType.Preference, "preference")]
    [InlineData("My favourite band is Queen", "User's favourite band is Queen", MemoryType.Preference, "attribute")]
    [InlineData("My daughter's school is Lincoln High", "User's daughter's school is Lincoln High", MemoryType.Semantic, "attribute")]
    [InlineData("I usually run before breakfast", "User usually run before breakfast", MemoryType.Procedural, "habit")]
    [InlineData("I'm feeling stressed today", "User feels stressed", MemoryType.Emotional, "emotion")]
    public void Extract_RecognizesPattern(string text, string content, MemoryType type, string kind)
    {
        var found = _extractor.Extract(text);
        found.Should().ContainSingle(f => f.Content == content, string.Join(" | ", found.Select(f => f.Content)));
        var fact = found.Single(f => f.Content == content);
        fact.Type.Should().Be(type);
        fact.Metadata["kind"].Should().Be((MetadataValue)kind);
        fact.Importance.Should().BeInRange(0.4, 1.0);
    }

    [Theory]
    [InlineData("My birthday is on March 3rd.", "March 3rd")]
    [InlineData("The dentist appointment is on 2026-12-01.", "2026-12-01")]
    [InlineData("We fly out next Friday", "next Friday")]
    [InlineData("Meeting moved to 3 June 2027", "3 June 2027")]
    public void Extract_Dates_AttachedOrKeptAsEpisodes(string text, string date)
    {
        var found = _extractor.Extract(text);
        found.Should().NotBeEmpty();
        found.Should().OnlyContain(f => f.Metadata["date"] == (MetadataValue)date);
    }

    [Fact]
    public void Extract_SeveralSentences_InOrder_AndNothingFromSmallTalk()
    {
        var found = _extractor.Extract("Hello there. My name is Bob. I live in Oslo! I like skiing, and I hate rain.");
        found.Select(f => f.Content).Should().Equal("User's name is Bob", "User lives in Oslo", "User likes skiing", "User hates rain");
        _extractor.Extract("How are you today? The weather is nice.").Should().BeEmpty();
        _extractor.Extract("").Should().BeEmpty();
    }

    [Fact]
    public async Task ExtractKeyInformation_ThroughSemanticMemory_StoresNothing()
    {
        using var h = new SemanticHarness();
        var found = await h.Memory.ExtractKeyInformationAsync("I live in Rome");
        found.Should().ContainSingle();
        (await h.Memory.GetStatisticsAsync()).Count.Should().Be(0);
    }
}
