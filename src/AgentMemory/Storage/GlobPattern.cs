namespace AgentMemory.Storage;

/// <summary>
/// A compiled glob: <c>*</c> (any run), <c>?</c> (one character), <c>[abc]</c>, <c>[a-z]</c>, <c>[!a-z]</c> /
/// <c>[^a-z]</c> (one character of, or not of, a set) and <c>\</c> (escape). Matching backtracks only to the most
/// recent <c>*</c>, which is correct because every other token matches exactly one character, and bounds the work
/// by (key length x pattern length): no pattern can make it exponential. Immutable and thread-safe.
/// </summary>
internal sealed class GlobPattern
{
    private static readonly GlobPattern MatchAll = new([], matchesEverything: true, literal: null);

    private readonly Token[] _tokens;
    private readonly bool _matchesEverything;

    private GlobPattern(Token[] tokens, bool matchesEverything, string? literal)
    {
        _tokens = tokens;
        _matchesEverything = matchesEverything;
        Literal = literal;
    }

    /// <summary>The one key this pattern matches when it has no wildcards; otherwise null.</summary>
    public string? Literal { get; }

    /// <summary>Compiles a pattern; null and "*" match every key.</summary>
    /// <exception cref="ArgumentException">The pattern is malformed.</exception>
    public static GlobPattern Parse(string? pattern, string paramName = "pattern")
    {
        if (pattern is null || pattern == "*")
        {
            return MatchAll;
        }

        var tokens = new List<Token>(pattern.Length);
        var literal = new System.Text.StringBuilder(pattern.Length);
        var hasWildcard = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*':
                    hasWildcard = true;
                    if (tokens.Count == 0 || tokens[^1].Kind != TokenKind.Star)
                    {
                        tokens.Add(new Token(TokenKind.Star));
                    }

                    break;
                case '?':
                    hasWildcard = true;
                    tokens.Add(new Token(TokenKind.AnyOne));
                    break;
                case '[':
                    hasWildcard = true;
                    tokens.Add(ParseClass(pattern, ref i, paramName));
                    break;
                case '\\':
                    if (i + 1 >= pattern.Length)
                    {
                        throw new ArgumentException($"The glob pattern '{pattern}' ends with an escape character '\\' that escapes nothing.", paramName);
                    }

                    i++;
                    tokens.Add(new Token(TokenKind.Literal, pattern[i]));
                    literal.Append(pattern[i]);
                    break;
                default:
                    tokens.Add(new Token(TokenKind.Literal, c));
                    literal.Append(c);
                    break;
            }
        }

        return new GlobPattern([.. tokens], matchesEverything: tokens.Count == 1 && tokens[0].Kind == TokenKind.Star, hasWildcard ? null : literal.ToString());
    }

    public bool IsMatch(string key)
    {
        if (_matchesEverything)
        {
            return true;
        }

        var tokens = _tokens;
        int p = 0, s = 0, starP = -1, starS = 0;
        while (s < key.Length)
        {
            if (p < tokens.Length && tokens[p].Kind == TokenKind.Star)
            {
                starP = p++;
                starS = s;
            }
            else if (p < tokens.Length && tokens[p].Matches(key[s]))
            {
                p++;
                s++;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                s = ++starS;
            }
            else
            {
                return false;
            }
        }

        while (p < tokens.Length && tokens[p].Kind == TokenKind.Star)
        {
            p++;
        }

        return p == tokens.Length;
    }

    private static Token ParseClass(string pattern, ref int i, string paramName)
    {
        var start = i;
        i++;
        var negate = false;
        if (i < pattern.Length && (pattern[i] == '!' || pattern[i] == '^'))
        {
            negate = true;
            i++;
        }

        var ranges = new List<(char Low, char High)>();
        while (true)
        {
            if (i >= pattern.Length)
            {
                throw new ArgumentException($"The glob pattern '{pattern}' has a character class opened at position {start} that is never closed with ']'.", paramName);
            }

            var c = pattern[i];
            if (c == ']')
            {
                break;
            }

            if (c == '\\')
            {
                if (++i >= pattern.Length)
                {
                    throw new ArgumentException($"The glob pattern '{pattern}' ends with an escape character '\\' that escapes nothing.", paramName);
                }

                c = pattern[i];
            }

            var high = c;
            if (i + 2 < pattern.Length && pattern[i + 1] == '-' && pattern[i + 2] != ']')
            {
                i += 2;
                high = pattern[i];
                if (high == '\\')
                {
                    if (++i >= pattern.Length)
                    {
                        throw new ArgumentException($"The glob pattern '{pattern}' ends with an escape character '\\' that escapes nothing.", paramName);
                    }

                    high = pattern[i];
                }

                if (high < c)
                {
                    throw new ArgumentException($"The glob pattern '{pattern}' has a reversed range '{c}-{high}' in the character class at position {start}.", paramName);
                }
            }

            ranges.Add((c, high));
            i++;
        }

        if (ranges.Count == 0)
        {
            throw new ArgumentException($"The glob pattern '{pattern}' has an empty character class at position {start}.", paramName);
        }

        return new Token(TokenKind.Class, default, [.. ranges], negate);
    }

    private enum TokenKind
    {
        Literal,
        AnyOne,
        Star,
        Class,
    }

    private readonly struct Token(TokenKind kind, char literal = default, (char Low, char High)[]? ranges = null, bool negate = false)
    {
        public TokenKind Kind { get; } = kind;

        public bool Matches(char c)
        {
            switch (Kind)
            {
                case TokenKind.Literal:
                    return c == literal;
                case TokenKind.AnyOne:
                    return true;
                case TokenKind.Class:
                    foreach (var (low, high) in ranges!)
                    {
                        if (c >= low && c <= high)
                        {
                            return !negate;
                        }
                    }

                    return negate;
                default:
                    return false;
            }
        }
    }
}
