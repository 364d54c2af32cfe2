namespace AgentMemory.Search;

/// <summary>Settings of a <see cref="Bm25Index"/>: the BM25 parameters and the tokenizer's stop words.</summary>
/// <remarks>A plain settings object, copied by the index at construction; not thread-safe to mutate while read.</remarks>
public sealed class Bm25Options
{
    /// <summary>Term-frequency saturation: how quickly repeated terms stop adding score. Defaults to 1.2; must be at least 0.</summary>
    public double K1 { get; set; } = 1.2;

    /// <summary>Length normalization, from 0 (none) to 1 (full). Defaults to 0.75.</summary>
    public double B { get; set; } = 0.75;

    /// <summary>
    /// Words dropped from documents and queries (compared after lower-casing). Null (the default) uses
    /// <see cref="TextTokenizer.EnglishStopWords"/>; an empty set keeps every word.
    /// </summary>
    public IReadOnlyCollection<string>? StopWords { get; set; }

    /// <summary>Whether terms are stemmed (see <see cref="TextTokenizer.Stem"/>). Defaults to true.</summary>
    public bool Stemming { get; set; } = true;

    /// <summary>Checks the values, naming each bad option.</summary>
    /// <param name="prefix">Prefixed to option names in messages.</param>
    /// <returns>The problems found; empty when the options are valid.</returns>
    public IReadOnlyList<string> Validate(string prefix = nameof(Bm25Options))
    {
        var errors = new List<string>();
        if (!(K1 >= 0) || double.IsInfinity(K1))
        {
            errors.Add($"{prefix}.{nameof(K1)} must be a finite number of at least 0 (was {K1}).");
        }

        if (!(B is >= 0 and <= 1))
        {
            errors.Add($"{prefix}.{nameof(B)} must be between 0 and 1 (was {B}).");
        }

        return errors;
    }
}
