using AgentMemory.Storage;

namespace AgentMemory.Tiers;

// Key listing and counting across the tiers.
public sealed partial class TieredMemoryStore
{
    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> ListKeysAsync(string? pattern = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var page = await ListKeysPageAsync(pattern, null, limit, cancellationToken).ConfigureAwait(false);
        return page.Keys;
    }

    /// <inheritdoc />
    /// <remarks>Keys come from every tier, in ordinal order, each once; the token names the last key returned.</remarks>
    public ValueTask<MemoryKeyPage> ListKeysPageAsync(string? pattern = null, string? continuationToken = null, int pageSize = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var glob = GlobPattern.Parse(pattern);
        var after = KeyPageToken.Parse(continuationToken, nameof(continuationToken));

        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        var keys = CollectKeys(pattern, glob, after, pageSize + 1);
        var more = keys.Count > pageSize;
        if (more)
        {
            keys.RemoveAt(keys.Count - 1);
        }

        return new(new MemoryKeyPage(keys, more ? KeyPageToken.After(keys[^1]) : null));
    }

    /// <summary>The first <paramref name="limit"/> live keys (ordinal order) after <paramref name="after"/> that match, from all tiers.</summary>
    private List<string> CollectKeys(string? pattern, GlobPattern glob, string? after, int limit)
    {
        var now = NowTicks();
        var hotPage = Sync(_hot.ListKeysPageAsync(pattern, after is null ? null : KeyPageToken.After(after), limit));
        var set = new SortedSet<string>(hotPage.Keys, StringComparer.Ordinal);
        var prefix = LiteralPrefix(pattern);
        foreach (var key in _longTerm.Keys(prefix, glob.IsMatch, after, now))
        {
            set.Add(key);
        }

        if (_archive is not null)
        {
            foreach (var key in _archive.KeysMatching(k => k.StartsWith(prefix, StringComparison.Ordinal) && (after is null || string.CompareOrdinal(k, after) > 0) && glob.IsMatch(k)))
            {
                set.Add(key);
            }
        }

        foreach (var (key, write) in _pending)
        {
            if (write.Entry is { } entry && !entry.IsExpiredAt(now) && (after is null || string.CompareOrdinal(key, after) > 0) && glob.IsMatch(key))
            {
                set.Add(key);
            }
        }

        foreach (var (key, state) in _evicted)
        {
            if (!state.IsExpiredAt(now) && (after is null || string.CompareOrdinal(key, after) > 0) && glob.IsMatch(key))
            {
                set.Add(key);
            }
        }

        var result = new List<string>(Math.Min(limit, set.Count));
        foreach (var key in set)
        {
            if (result.Count == limit)
            {
                break;
            }

            // A key the hot tier does not hold may have been deleted or expired below since it was listed: confirm it.
            if (_hot.TryPeek(key, out _, out _) || IsLiveBelow(key))
            {
                result.Add(key);
            }
        }

        return result;
    }

    private bool IsLiveBelow(string key)
    {
        lock (StripeOf(key))
        {
            return _hot.TryPeek(key, out _, out _) || FindBelowLocked(key, out _) is not null;
        }
    }

    /// <summary>The number of distinct live keys in all tiers.</summary>
    private long CountLive()
    {
        var now = NowTicks();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (entry, _) in _hot.EnumerateLive(recordAccess: false))
        {
            keys.Add(entry.Key);
        }

        foreach (var key in _longTerm.Keys(string.Empty, static _ => true, null, now))
        {
            keys.Add(key);
        }

        if (_archive is not null)
        {
            foreach (var key in _archive.KeysMatching(static _ => true))
            {
                keys.Add(key);
            }
        }

        foreach (var (key, state) in _evicted)
        {
            if (!state.IsExpiredAt(now))
            {
                keys.Add(key);
            }
        }

        foreach (var (key, write) in _pending)
        {
            if (write.Entry is { } entry && !entry.IsExpiredAt(now))
            {
                keys.Add(key);
            }
            else if (write.Entry is null && !_hot.TryPeek(key, out _, out _) && !_evicted.ContainsKey(key))
            {
                keys.Remove(key);
            }
        }

        return keys.Count;
    }

    /// <summary>The characters of a glob pattern before its first wildcard or escape: every match starts with them.</summary>
    private static string LiteralPrefix(string? pattern)
    {
        if (pattern is null)
        {
            return string.Empty;
        }

        var end = pattern.AsSpan().IndexOfAny("*?[\\");
        return end < 0 ? pattern : pattern[..end];
    }
}
