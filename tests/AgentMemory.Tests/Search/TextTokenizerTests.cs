using AgentMemory.Search;

namespace AgentMemory.Tests.Search;

public sealed class TextTokenizerTests
{
    [Fact]
    public void Tokenize_LowerCasesAndDropsStopWordsAndPunctuation()
    {
        new TextTokenizer().Tokenize("The Quick, brown FOX -- jumped over the lazy dog!")
            .Should().Equal("quick", "brown", "fox", "jumped", "over", "lazy", "dog");
    }

    [Fact]
    public void Words_UnicodeAware()
    {
        TextTokenizer.Words("Grüße aus München, café déjà-vu").Should().Equal("grüße", "aus", "münchen", "café", "déjà", "vu");
        TextTokenizer.Words("Ελληνικά ΚΕΙΜΕΝΟ").Should().Equal("ελληνικά", "κειμενο");
        TextTokenizer.Words("東京タワー is tall").Should().Equal("東", "京", "タ", "ワ", "ー", "is", "tall");
        TextTokenizer.Words("don't O\u2019Brien's x'").Should().Equal("don't", "o'brien's", "x");
        TextTokenizer.Words("snake_case v2.0 😀 ok").Should().Equal("snake_case", "v2", "0", "ok");
        TextTokenizer.Words("ｆｕｌｌｗｉｄｔｈ").Should().Equal("fullwidth");
        TextTokenizer.Words("").Should().BeEmpty();
    }

    [Fact]
    public void Tokenize_CustomStopWords()
    {
        new TextTokenizer(["Fox"]).Tokenize("the fox").Should().Equal("the");
        new TextTokenizer([]).Tokenize("the fox").Should().Equal("the", "fox");
        FluentActions.Invoking(() => TextTokenizer.Words(null!)).Should().Throw<ArgumentNullException>();
    }
}
