using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AgentMemory.Storage;
using CsCheck;

namespace AgentMemory.Tests.Storage;

public sealed class GlobPatternTests
{
    [Theory]
    [InlineData("*", "", true)]
    [InlineData("*", "anything", true)]
    [InlineData("**", "anything", true)]
    [InlineData("user:*", "user:1", true)]
    [InlineData("user:*", "user:", true)]
    [InlineData("user:*", "users:1", false)]
    [InlineData("*:name", "user:1:name", true)]
    [InlineData("*:name", "user:1:names", false)]
    [InlineData("a*b*c", "abc", true)]
    [InlineData("a*b*c", "aXbYc", true)]
    [InlineData("a*b*c", "aXbY", false)]
    [InlineData("a*b", "ab", true)]
    [InlineData("a*b", "abab", true)]
    [InlineData("a*b", "aba", false)]
    [InlineData("?", "a", true)]
    [InlineData("?", "", false)]
    [InlineData("?", "ab", false)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "ac", false)]
    [InlineData("??*", "ab", true)]
    [InlineData("??*", "a", false)]
    [InlineData("[abc]", "b", true)]
    [InlineData("[abc]", "d", false)]
    [InlineData("[abc]", "ab", false)]
    [InlineData("x[a-z]y", "xmy", true)]
    [InlineData("x[a-z]y", "xMy", false)]
    [InlineData("[a-cx-z]", "y", true)]
    [InlineData("[a-cx-z]", "m", false)]
    [InlineData("[!a-z]", "A", true)]
    [InlineData("[!a-z]", "q", false)]
    [InlineData("[^a-z]", "A", true)]
    [InlineData("[^a-z]", "q", false)]
    [InlineData("[!a-z]", "", false)]
    [InlineData("[a-]", "-", true)]
    [InlineData("[a-]", "b", false)]
    [InlineData("[-a]", "-", true)]
    [InlineData("[a!]", "!", true)]
    [InlineData("[\\]]", "]", true)]
    [InlineData("[\\-]", "-", true)]
    [InlineData("[*?]", "*", true)]
    [InlineData("[*?]", "x", false)]
    [InlineData("\\*", "*", true)]
    [InlineData("\\*", "a", false)]
    [InlineData("\\?", "?", true)]
    [InlineData("\\?", "a", false)]
    [InlineData("\\[a]", "[a]", true)]
    [InlineData("\\[a]", "a", false)]
    [InlineData("a\\\\b", "a\\b", true)]
    [InlineData("\\a", "a", true)]
    [InlineData("exact", "exact", true)]
    [InlineData("exact", "Exact", false)]
    [InlineData("exact", "exactly", false)]
    [InlineData("exact", "exac", false)]
    [InlineData("", "", true)]
    [InlineData("", "a", false)]
    [InlineData("é*", "été", true)]
    [InlineData("?", "é", true)]
    public void IsMatch_Pattern_MatchesAsGlob(string pattern, string key, bool expected)
    {
        GlobPattern.Parse(pattern).IsMatch(key).Should().Be(expected);
    }

    [Fact]
    public void Parse_Null_MatchesEverything()
    {
        var glob = GlobPattern.Parse(null);

        glob.IsMatch("").Should().BeTrue();
        glob.IsMatch("x").Should().BeTrue();
        glob.Literal.Should().BeNull();
    }

    [Theory]
    [InlineData("abc", "abc")]
    [InlineData("a\\*b", "a*b")]
    [InlineData("\\?\\[\\\\", "?[\\")]
    [InlineData("", "")]
    public void Parse_PatternWithoutWildcards_ExposesTheLiteralKey(string pattern, string literal)
    {
        GlobPattern.Parse(pattern).Literal.Should().Be(literal);
    }

    [Theory]
    [InlineData("a*")]
    [InlineData("a?")]
    [InlineData("[a]")]
    [InlineData("*")]
    public void Parse_PatternWithWildcards_HasNoLiteral(string pattern)
    {
        GlobPattern.Parse(pattern).Literal.Should().BeNull();
    }

    [Theory]
    [InlineData("[abc")]
    [InlineData("a[")]
    [InlineData("[!")]
    [InlineData("[a-")]
    [InlineData("[a-b")]
    [InlineData("abc\\")]
    [InlineData("\\")]
    [InlineData("[\\")]
    [InlineData("[a\\")]
    [InlineData("[a-\\")]
    [InlineData("[]")]
    [InlineData("[!]")]
    [InlineData("[^]")]
    [InlineData("x[]y")]
    [InlineData("[z-a]")]
    [InlineData("[b-a]")]
    public void Parse_MalformedPattern_ThrowsArgumentException(string pattern)
    {
        var act = () => GlobPattern.Parse(pattern, "pattern");

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("pattern");
    }

    [Fact]
    public void IsMatch_PathologicalStarPattern_CompletesWithTheRightAnswer()
    {
        var pattern = GlobPattern.Parse(string.Concat(Enumerable.Repeat("a*", 20)) + "b");
        var fortyAs = new string('a', 40);

        pattern.IsMatch(fortyAs).Should().BeFalse();
        pattern.IsMatch(fortyAs + "b").Should().BeTrue();
        pattern.IsMatch(new string('a', 20) + "b").Should().BeTrue();
        pattern.IsMatch(new string('a', 19) + "b").Should().BeFalse();
    }

    [Fact]
    public async Task ListKeysAsync_PathologicalStarPatternOverManyKeys_ReturnsExactlyTheMatches()
    {
        using var h = new StoreHarness();
        for (var i = 0; i < 500; i++)
        {
            // 40 characters: 'a's with one 'x' somewhere, or all 'a's.
            var chars = new string('a', 40).ToCharArray();
            if (i < 40)
            {
                chars[i] = 'x';
            }

            await h.Memory.StoreAsync(new string(chars) + i.ToString("000", CultureInfo.InvariantCulture), i);
        }

        await h.Memory.StoreAsync(new string('a', 39) + "b", 1);
        await h.Memory.StoreAsync(new string('a', 20) + "b", 2);
        await h.Memory.StoreAsync(new string('a', 19) + "b", 3);

        var pattern = string.Concat(Enumerable.Repeat("a*", 20)) + "b";
        var keys = await h.Memory.ListKeysAsync(pattern, limit: 1000);

        keys.Should().Equal(new string('a', 39) + "b", new string('a', 20) + "b");
    }

    [Fact]
    public async Task ListKeysAsync_Glob_FiltersLiveKeysInOrdinalOrder()
    {
        using var h = new StoreHarness();
        foreach (var key in new[] { "user:2", "user:10", "user:1", "users", "order:1", "User:3", "a*b", "a?b", "axb" })
        {
            await h.Memory.StoreAsync(key, 0);
        }

        (await h.Memory.ListKeysAsync("user:*")).Should().Equal("user:1", "user:10", "user:2");
        (await h.Memory.ListKeysAsync("user:?")).Should().Equal("user:1", "user:2");
        (await h.Memory.ListKeysAsync("[uU]ser:*")).Should().Equal("User:3", "user:1", "user:10", "user:2");
        (await h.Memory.ListKeysAsync("[!u]*")).Should().Equal("User:3", "a*b", "a?b", "axb", "order:1");
        (await h.Memory.ListKeysAsync("a\\*b")).Should().Equal("a*b");
        (await h.Memory.ListKeysAsync("a\\?b")).Should().Equal("a?b");
        (await h.Memory.ListKeysAsync("a?b")).Should().Equal("a*b", "a?b", "axb");
        (await h.Memory.ListKeysAsync("users")).Should().Equal("users");
        (await h.Memory.ListKeysAsync("nope")).Should().BeEmpty();
        (await h.Memory.ListKeysAsync("*", limit: 2)).Should().Equal("User:3", "a*b");
    }

    [Theory]
    [InlineData("[abc")]
    [InlineData("abc\\")]
    [InlineData("[]")]
    [InlineData("[z-a]")]
    public async Task ListKeysAsync_MalformedPattern_ThrowsArgumentException(string pattern)
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("abc", 1);

        var act = async () => await h.Memory.ListKeysAsync(pattern);

        await act.Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public void IsMatch_RandomPatterns_AgreesWithANonBacktrackingRegex()
    {
        Gen.Select(GenPattern, GenKey.Array[1, 12]).Sample((pattern, keys) =>
        {
            var glob = GlobPattern.Parse(pattern.Glob);
            var regex = new Regex(pattern.Regex, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.Singleline);
            foreach (var key in keys)
            {
                glob.IsMatch(key).Should().Be(regex.IsMatch(key), "glob '{0}' (regex {1}) on key '{2}'", pattern.Glob, pattern.Regex, key);
            }
        }, iter: 5_000);
    }

    [Fact]
    public void Parse_RandomText_EitherThrowsArgumentExceptionOrAgreesWithTheReferenceTranslation()
    {
        Gen.Select(Gen.String[Gen.Char["ab*?[]!^-\\"], 0, 10], GenKey.Array[1, 8]).Sample((pattern, keys) =>
        {
            var reference = ReferenceRegex(pattern);
            GlobPattern? glob = null;
            var parse = () => glob = GlobPattern.Parse(pattern);
            if (reference is null)
            {
                parse.Should().Throw<ArgumentException>("'{0}' is malformed", pattern);
                return;
            }

            parse.Should().NotThrow("'{0}' is well formed", pattern);
            var regex = new Regex(reference, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.Singleline);
            foreach (var key in keys)
            {
                glob!.IsMatch(key).Should().Be(regex.IsMatch(key), "glob '{0}' (regex {1}) on key '{2}'", pattern, reference, key);
            }
        }, iter: 5_000);
    }

    /// <summary>Short keys over a small alphabet that includes the glob metacharacters.</summary>
    private static readonly Gen<string> GenKey = Gen.String[Gen.Char["abc*?[]-!"], 0, 8];

    /// <summary>A glob built token by token, with its regex translation.</summary>
    private static readonly Gen<(string Glob, string Regex)> GenPattern =
        Gen.Frequency(
            (4, Gen.Char["abc*?[]-!"].Select(c => (Glob: "*?[]\\".Contains(c) ? "\\" + c : c.ToString(), Regex: Escape(c)))),
            (2, Gen.Const(("*", ".*"))),
            (2, Gen.Const(("?", "."))),
            (2, GenClass))
        .Array[0, 8]
        .Select(tokens => (string.Concat(tokens.Select(t => t.Item1)), "\\A" + string.Concat(tokens.Select(t => t.Item2)) + "\\z"));

    private static Gen<(string Glob, string Regex)> GenClass =>
        Gen.Select(
            Gen.Int[0, 2],
            Gen.Select(Gen.Char["abc-!]"], Gen.Char["abc-!]"], Gen.Bool).Array[1, 3])
        .Select((negate, items) =>
        {
            var glob = new StringBuilder("[");
            var regex = new StringBuilder("[");
            if (negate > 0)
            {
                glob.Append(negate == 1 ? '!' : '^');
                regex.Append('^');
            }

            foreach (var (first, second, isRange) in items)
            {
                var (low, high) = first <= second ? (first, second) : (second, first);
                glob.Append(EscapeInClass(low));
                regex.Append(Escape(low));
                if (isRange)
                {
                    glob.Append('-').Append(EscapeInClass(high));
                    regex.Append('-').Append(Escape(high));
                }
            }

            return (glob.Append(']').ToString(), regex.Append(']').ToString());
        });

    private static string EscapeInClass(char c) => c is ']' or '\\' or '-' or '!' or '^' ? "\\" + c : c.ToString();

    private static string Escape(char c) => "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture);

    /// <summary>
    /// Translates a glob to an anchored regex following the documented grammar, written independently of
    /// <see cref="GlobPattern"/>; null when the glob is malformed.
    /// </summary>
    private static string? ReferenceRegex(string glob)
    {
        var regex = new StringBuilder("\\A");
        var i = 0;
        while (i < glob.Length)
        {
            var c = glob[i++];
            switch (c)
            {
                case '*':
                    regex.Append(".*");
                    break;
                case '?':
                    regex.Append('.');
                    break;
                case '\\':
                    if (i == glob.Length)
                    {
                        return null;
                    }

                    regex.Append(Escape(glob[i++]));
                    break;
                case '[':
                    var set = new StringBuilder();
                    if (i < glob.Length && glob[i] is '!' or '^')
                    {
                        set.Append('^');
                        i++;
                    }

                    var items = 0;
                    while (true)
                    {
                        if (i == glob.Length)
                        {
                            return null;
                        }

                        var low = glob[i++];
                        if (low == ']')
                        {
                            break;
                        }

                        if (low == '\\')
                        {
                            if (i == glob.Length)
                            {
                                return null;
                            }

                            low = glob[i++];
                        }

                        var high = low;
                        if (i + 1 < glob.Length && glob[i] == '-' && glob[i + 1] != ']')
                        {
                            high = glob[i + 1];
                            i += 2;
                            if (high == '\\')
                            {
                                if (i == glob.Length)
                                {
                                    return null;
                                }

                                high = glob[i++];
                            }

                            if (high < low)
                            {
                                return null;
                            }
                        }

                        set.Append(Escape(low)).Append('-').Append(Escape(high));
                        items++;
                    }

                    if (items == 0)
                    {
                        return null;
                    }

                    regex.Append('[').Append(set).Append(']');
                    break;
                default:
                    regex.Append(Escape(c));
                    break;
            }
        }

        return regex.Append("\\z").ToString();
    }
}
