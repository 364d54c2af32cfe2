using System.Globalization;
using System.Text;

namespace AgentMemory.Search;

/// <summary>
/// Splits text into search terms: Unicode-aware word breaking (letters, digits, combining marks and underscores form
/// words; an apostrophe inside a word keeps it whole, any other punctuation or space separates words), NFKC normalization, invariant lower-casing, stop-word removal and light English stemming. Each
/// CJK ideograph or kana is its own term, since those scripts do not separate words with spaces.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class TextTokenizer
{
    private readonly HashSet<string> _stopWords;
    private readonly bool _stem;

    /// <summary>Creates a tokenizer.</summary>
    /// <param name="stopWords">Words to drop (matched after lower-casing); null for <see cref="EnglishStopWords"/>.</param>
    /// <param name="stem">
    /// Whether to strip English plural and third-person endings and possessive <c>'s</c> (<c>lives</c> → <c>live</c>,
    /// <c>cities</c> → <c>city</c>, <c>alice's</c> → <c>alice</c>), so that inflections of a word match each other.
    /// </param>
    public TextTokenizer(IEnumerable<string>? stopWords = null, bool stem = true)
    {
        _stem = stem;
        _stopWords = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in stopWords ?? EnglishStopWords)
        {
            if (!string.IsNullOrEmpty(word))
            {
                _stopWords.Add(word.ToLowerInvariant());
            }
        }
    }

    /// <summary>A common English stop-word list (articles, pronouns, auxiliaries, prepositions).</summary>
    public static IReadOnlyList<string> EnglishStopWords { get; } =
    [
        "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "do", "does", "did", "for", "from", "had", "has",
        "have", "he", "her", "his", "i", "if", "in", "into", "is", "it", "its", "me", "of", "on", "or", "our", "she",
        "so", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "to", "was",
        "we", "were", "will", "with", "you", "your", "what", "which", "who", "whom", "how", "when", "where", "why",
        "am", "my", "mine", "us", "can", "could", "would", "should", "about", "any", "all", "just", "not", "no",
    ];

    /// <summary>Splits <paramref name="text"/> into terms, stop words removed, in order of appearance.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The terms (repeats kept).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public List<string> Tokenize(string text)
    {
        var terms = new List<string>();
        foreach (var word in Words(text))
        {
            if (!_stopWords.Contains(word))
            {
                var term = _stem ? Stem(word) : word;
                if (!_stopWords.Contains(term))
                {
                    terms.Add(term);
                }
            }
        }

        return terms;
    }

    /// <summary>Splits <paramref name="text"/> into lower-cased words, stop words included.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The words in order of appearance.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static List<string> Words(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var normalized = text.IsNormalized(NormalizationForm.FormKC) ? text : text.Normalize(NormalizationForm.FormKC);
        var words = new List<string>();
        var current = new StringBuilder();
        var pendingJoiner = false;
        foreach (var rune in normalized.EnumerateRunes())
        {
            if (IsIdeographic(rune))
            {
                Flush(words, current);
                pendingJoiner = false;
                words.Add(rune.ToString());
                continue;
            }

            if (IsWordRune(rune))
            {
                if (pendingJoiner)
                {
                    current.Append('\'');
                    pendingJoiner = false;
                }

                current.Append(Rune.ToLowerInvariant(rune).ToString());
                continue;
            }

            // An apostrophe inside a word ("don't", "o'brien") keeps the word whole; a hyphen splits it.
            if (current.Length > 0 && !pendingJoiner && rune.Value is '\'' or '\u2019')
            {
                pendingJoiner = true;
                continue;
            }

            pendingJoiner = false;
            Flush(words, current);
        }

        Flush(words, current);
        return words;
    }

    /// <summary>A light English suffix stripper: possessive 's, then -ies → -y, -(s|x|z|ch|sh)es → -, -s → - (not -ss, -us, -is).</summary>
    /// <param name="word">A lower-cased word.</param>
    /// <returns>The stem.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="word"/> is null.</exception>
    public static string Stem(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.EndsWith("'s", StringComparison.Ordinal) && word.Length > 2)
        {
            word = word[..^2];
        }

        if (word.Length > 4 && word.EndsWith("ies", StringComparison.Ordinal))
        {
            return word[..^3] + "y";
        }

        if (word.Length > 4 && word.EndsWith("es", StringComparison.Ordinal)
            && (word[^3] is 's' or 'x' or 'z' || word.EndsWith("ches", StringComparison.Ordinal) || word.EndsWith("shes", StringComparison.Ordinal)))
        {
            return word[..^2];
        }

        if (word.Length > 3 && word[^1] == 's' && word[^2] is not ('s' or 'u' or 'i'))
        {
            return word[..^1];
        }

        return word;
    }

    private static void Flush(List<string> words, StringBuilder current)
    {
        if (current.Length > 0)
        {
            words.Add(current.ToString());
            current.Clear();
        }
    }

    private static bool IsWordRune(Rune rune)
    {
        if (Rune.IsLetterOrDigit(rune))
        {
            return true;
        }

        var category = Rune.GetUnicodeCategory(rune);
        return category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
            || rune.Value == '_';
    }

    private static bool IsIdeographic(Rune rune) =>
        rune.Value is (>= 0x3040 and <= 0x30FF) // Hiragana, Katakana
            or (>= 0x3400 and <= 0x4DBF) // CJK Extension A
            or (>= 0x4E00 and <= 0x9FFF) // CJK Unified Ideographs
            or (>= 0xF900 and <= 0xFAFF) // CJK Compatibility Ideographs
            or (>= 0x20000 and <= 0x3134F); // CJK Extensions B-G
}
