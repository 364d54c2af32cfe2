namespace AgentMemory.Storage;

/// <summary>
/// The continuation token of a key page: it names the last key returned, so every store that lists keys in ordinal
/// order (the hot tier, the tiered store) pages the same way and holds no state between pages.
/// </summary>
internal static class KeyPageToken
{
    private const string Prefix = "after:";

    /// <summary>The token that continues after <paramref name="lastKey"/>.</summary>
    public static string After(string lastKey) => Prefix + lastKey;

    /// <summary>The key a token continues after, or null for no token.</summary>
    /// <exception cref="ArgumentException">The token was not produced by a store.</exception>
    public static string? Parse(string? continuationToken, string paramName)
    {
        if (continuationToken is null)
        {
            return null;
        }

        if (!continuationToken.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The continuation token '{continuationToken}' was not produced by this store; pass back the token of the previous page unchanged.", paramName);
        }

        return continuationToken[Prefix.Length..];
    }
}
