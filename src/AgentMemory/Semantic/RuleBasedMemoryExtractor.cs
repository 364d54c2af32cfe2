using System.Text.RegularExpressions;

namespace AgentMemory.Semantic;

/// <summary>
/// The default <see cref="IMemoryExtractor"/>: English patterns for names ("my name is …", "call me …"), work
/// ("I work at …"), location ("I live in …", "I'm from …"), preferences ("I like / love / prefer / hate …"),
/// attributes ("my X is Y"), habits ("I usually …"), feelings ("I feel …") and dates (ISO, numeric and
/// month-name dates, weekdays). Each sentence is matched separately; a date is attached to what its sentence
/// yielded, or kept as an episodic memory when nothing else matched.
/// </summary>
/// <remarks>Stateless; thread-safe. Patterns run with a match timeout, so hostile input cannot stall a caller.</remarks>
public sealed partial class RuleBasedMemoryExtractor : IMemoryExtractor
{
    private const int MaxValueLength = 120;

    /// <summary>Extracts key information from <paramref name="text"/>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="cancellationToken">Cancels the call between sentences.</param>
    /// <returns>What was found, in order of appearance.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public ValueTask<IReadOnlyList<ExtractedMemory>> ExtractAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new(Extract(text, cancellationToken));
    }

    /// <summary>Extracts key information from <paramref name="text"/>, synchronously.</summary>
    /// <param name="text">The text.</param>
    /// <param name="cancellationToken">Cancels the call between sentences.</param>
    /// <returns>What was found, in order of appearance.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public IReadOnlyList<ExtractedMemory> Extract(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var results = new List<ExtractedMemory>();
        foreach (var raw in SentenceSplit().Split(text.Replace('\u2019', '\'')))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var sentence = raw.Trim();
            if (sentence.Length == 0)
            {
                continue;
            }

            var found = new List<ExtractedMemory>();
            ExtractFrom(sentence, found);
            var date = DatePattern().Match(sentence);
            if (date.Success)
            {
                if (found.Count == 0)
                {
                    found.Add(new ExtractedMemory($"User mentioned: {sentence}", MemoryType.Episodic, 0.6, Meta("date", ("value", sentence))));
                }

                for (var i = 0; i < found.Count; i++)
                {
                    var metadata = new Dictionary<string, MetadataValue>(found[i].Metadata, StringComparer.Ordinal) { ["date"] = date.Value.Trim() };
                    found[i] = found[i] with { Metadata = metadata };
                }
            }

            results.AddRange(found);
        }

        return results;
    }

    private static void ExtractFrom(string sentence, List<ExtractedMemory> found)
    {
        var nameMatched = false;
        if (NamePattern().Match(sentence) is { Success: true } name)
        {
            var value = Clean(name.Groups["v"].Value);
            found.Add(new ExtractedMemory($"User's name is {value}", MemoryType.Semantic, 0.9, Meta("name", ("value", value))));
            nameMatched = true;
        }

        if (RolePattern().Match(sentence) is { Success: true } role)
        {
            var value = Clean(role.Groups["v"].Value);
            var org = Clean(role.Groups["org"].Value);
            found.Add(new ExtractedMemory($"User works as {Article(value)} {value} at {org}", MemoryType.Semantic, 0.8, Meta("work", ("value", org), ("role", value))));
        }
        else if (WorkPattern().Match(sentence) is { Success: true } work)
        {
            var value = Clean(work.Groups["v"].Value);
            var prep = work.Groups["prep"].Value.ToLowerInvariant();
            found.Add(new ExtractedMemory($"User works {prep} {value}", MemoryType.Semantic, 0.8, Meta("work", ("value", value))));
        }

        if (LocationPattern().Match(sentence) is { Success: true } location)
        {
            var value = Clean(location.Groups["v"].Value);
            var verb = location.Groups["verb"].Value.ToLowerInvariant() switch
            {
                var v when v.StartsWith("moved", StringComparison.Ordinal) => "moved to",
                var v when v.Contains("from", StringComparison.Ordinal) => "is from",
                var v when v.Contains("based", StringComparison.Ordinal) => "is based in",
                _ => "lives in",
            };
            found.Add(new ExtractedMemory($"User {verb} {value}", MemoryType.Semantic, 0.8, Meta("location", ("value", value))));
        }

        foreach (Match preference in PreferencePattern().Matches(sentence))
        {
            var value = Clean(preference.Groups["v"].Value);
            var verb = preference.Groups["verb"].Value.ToLowerInvariant();
            var (phrase, positive, importance) = verb switch
            {
                "love" or "adore" => (verb + "s", true, 0.8),
                "hate" => ("hates", false, 0.8),
                "prefer" => ("prefers", true, 0.75),
                "dislike" => ("dislikes", false, 0.7),
                "don't like" or "do not like" => ("doesn't like", false, 0.7),
                "can't stand" or "cannot stand" => ("can't stand", false, 0.75),
                _ => (verb + "s", true, 0.7),
            };
            found.Add(new ExtractedMemory($"User {phrase} {value}", MemoryType.Preference, importance, Meta("preference", ("value", value), ("sentiment", positive ? "positive" : "negative"))));
        }

        foreach (Match attribute in AttributePattern().Matches(sentence))
        {
            var key = Clean(attribute.Groups["k"].Value).ToLowerInvariant();
            if (nameMatched && key == "name")
            {
                continue;
            }

            var value = Clean(attribute.Groups["v"].Value);
            var verb = attribute.Groups["verb"].Value.ToLowerInvariant();
            var type = key.Contains("favorite", StringComparison.Ordinal) || key.Contains("favourite", StringComparison.Ordinal)
                ? MemoryType.Preference
                : MemoryType.Semantic;
            var content = key == "name" ? $"User's name is {value}" : $"User's {key} {verb} {value}";
            found.Add(new ExtractedMemory(content, type, key == "name" ? 0.9 : 0.7, Meta(key == "name" ? "name" : "attribute", ("attribute", key), ("value", value))));
        }

        if (HabitPattern().Match(sentence) is { Success: true } habit)
        {
            var value = Clean(habit.Groups["v"].Value);
            found.Add(new ExtractedMemory($"User {habit.Groups["adv"].Value.ToLowerInvariant()} {value}", MemoryType.Procedural, 0.6, Meta("habit", ("value", value))));
        }

        if (FeelingPattern().Match(sentence) is { Success: true } feeling)
        {
            var value = Clean(feeling.Groups["v"].Value).ToLowerInvariant();
            found.Add(new ExtractedMemory($"User feels {value}", MemoryType.Emotional, 0.5, Meta("emotion", ("value", value))));
        }
    }

    private static string Article(string noun) => noun.Length > 0 && "aeiouAEIOU".Contains(noun[0], StringComparison.Ordinal) ? "an" : "a";

    private static string Clean(string value)
    {
        value = value.Trim().TrimEnd('.', '!', '?', ',', ';', ':', '"', '\'', ')').Trim();
        return value.Length <= MaxValueLength ? value : value[..MaxValueLength].TrimEnd();
    }

    private static Dictionary<string, MetadataValue> Meta(string kind, params (string Key, string Value)[] fields)
    {
        var metadata = new Dictionary<string, MetadataValue>(StringComparer.Ordinal) { ["kind"] = kind, ["extractor"] = "rules" };
        foreach (var (key, value) in fields)
        {
            metadata[key] = value;
        }

        return metadata;
    }

    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;
    // A backstop against pathological input, not a latency bound: every pattern is bounded or linear, so a match takes
    // microseconds of CPU, but the timeout is wall-clock time and a thread descheduled on a busy machine (seen at
    // 250 ms in CI under load) must not turn an ordinary sentence into a RegexMatchTimeoutException.
    private const int TimeoutMs = 5_000;

    [GeneratedRegex(@"(?<=[.!?])\s+|[\r\n]+", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex SentenceSplit();

    [GeneratedRegex(@"\b(?:my name is|my name's|i am called|i'm called|call me)\s+(?<v>\p{L}[\p{L}'\-]*(?:\s+\p{Lu}[\p{L}'\-]*){0,2})", Options, TimeoutMs)]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"\bi(?:'m| am)\s+an?\s+(?<v>[\p{L}\s\-]{2,60}?)\s+(?:at|for|with)\s+(?<org>[^,;]+)", Options, TimeoutMs)]
    private static partial Regex RolePattern();

    [GeneratedRegex(@"\bi\s+(?:work|am working|'m working|currently work)\s+(?<prep>at|for|as|in|on)\s+(?<v>[^,;]+)", Options, TimeoutMs)]
    private static partial Regex WorkPattern();

    [GeneratedRegex(@"\bi\s*(?<verb>live in|am living in|'m living in|reside in|moved to|'m from|am from|come from|'m based in|am based in)\s+(?<v>[^,;]+)", Options, TimeoutMs)]
    private static partial Regex LocationPattern();

    [GeneratedRegex(@"\bi\s+(?:really\s+|absolutely\s+|also\s+|kind of\s+|much\s+)?(?<verb>like|love|enjoy|prefer|adore|hate|dislike|don't like|do not like|can't stand|cannot stand)\s+(?<v>[^,;]+)", Options, TimeoutMs)]
    private static partial Regex PreferencePattern();

    [GeneratedRegex(@"\bmy\s+(?<k>[\p{L}'][\p{L}'\s]{0,39}?)\s+(?<verb>is|are|was)\s+(?<v>[^,;]+)", Options, TimeoutMs)]
    private static partial Regex AttributePattern();

    [GeneratedRegex(@"\bi\s+(?<adv>always|usually|normally|often|never|typically)\s+(?<v>[^,;]+)", Options, TimeoutMs)]
    private static partial Regex HabitPattern();

    [GeneratedRegex(@"\bi(?:'m| am| feel)\s+(?:feeling\s+|so\s+|really\s+|very\s+|quite\s+)?(?<v>happy|sad|angry|excited|worried|anxious|stressed|tired|frustrated|upset|nervous|glad|thrilled|lonely|overwhelmed|bored|grateful|scared)\b", Options, TimeoutMs)]
    private static partial Regex FeelingPattern();

    [GeneratedRegex(@"\b(?:\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}|(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?:,?\s+\d{4})?|(?:next\s+|this\s+|on\s+)(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|tomorrow|tonight)\b", Options, TimeoutMs)]
    private static partial Regex DatePattern();
}
