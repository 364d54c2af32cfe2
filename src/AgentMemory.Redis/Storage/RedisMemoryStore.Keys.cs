using System.Globalization;
using AgentMemory.Storage;
using StackExchange.Redis;

namespace AgentMemory.Redis.Storage;

// Key listing with SCAN (never KEYS) and clearing.
public sealed partial class RedisMemoryStore
{
    private const string TokenPrefix = "redis:";

    /// <inheritdoc />
    /// <remarks>
    /// Scans every key under the prefix (SCAN with a MATCH on the pattern's literal head, so a pattern like
    /// <c>user:*</c> only walks the server's keyspace cursor without transferring other keys) and returns the
    /// <paramref name="limit"/> ordinally smallest matches, as the in-process store does. Cost is linear in the
    /// number of keys on the server; for large stores page with <see cref="ListKeysPageAsync"/>.
    /// </remarks>
    public async ValueTask<IReadOnlyList<string>> ListKeysAsync(string? pattern = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var glob = GlobPattern.Parse(pattern);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        if (glob.Literal is { } literal)
        {
            return KeyRules.IsValidForWrite(literal) && await ExistsAsync(literal, cancellationToken).ConfigureAwait(false) ? [literal] : [];
        }

        var heap = new PriorityQueue<string, string>(Comparer<string>.Create(static (a, b) => string.CompareOrdinal(b, a)));
        var match = _layout.DataMatch(pattern);
        long cursor = 0;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            (cursor, var keys) = await ScanStepAsync(cursor, match, 1000).ConfigureAwait(false);
            foreach (var key in keys)
            {
                if (!glob.IsMatch(key))
                {
                    continue;
                }

                if (heap.Count < limit)
                {
                    heap.Enqueue(key, key);
                }
                else if (string.CompareOrdinal(key, heap.Peek()) < 0)
                {
                    heap.DequeueEnqueue(key, key);
                }
            }
        }
        while (cursor != 0);

        var result = new string[heap.Count];
        for (var i = result.Length - 1; i >= 0; i--)
        {
            result[i] = heap.Dequeue();
        }

        // SCAN may return a key twice; the heap may then hold duplicates.
        return result.Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <inheritdoc />
    /// <remarks>
    /// Pages follow the server's SCAN cursor: each page is sorted, but pages are not in ordinal order across each other.
    /// Every key that exists for the whole enumeration is returned at least once; a key may appear twice (SCAN's own
    /// guarantee, and when a partly returned SCAN batch changed between pages it is returned again in full).
    /// </remarks>
    public async ValueTask<MemoryKeyPage> ListKeysPageAsync(string? pattern = null, string? continuationToken = null, int pageSize = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var glob = GlobPattern.Parse(pattern);
        var (cursor, expectedNext, after) = ParseToken(continuationToken);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        var match = _layout.DataMatch(pattern);
        var count = Math.Clamp(pageSize, 100, 1000);
        var page = new List<string>(pageSize);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (next, keys) = await ScanStepAsync(cursor, match, count).ConfigureAwait(false);
            var batch = keys.Where(glob.IsMatch).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (after is not null && next == expectedNext)
            {
                // The batch is the one a previous page returned part of: skip what it returned.
                batch.RemoveAll(k => string.CompareOrdinal(k, after) <= 0);
            }

            after = null;
            var room = pageSize - page.Count;
            if (batch.Count > room)
            {
                page.AddRange(batch.Take(room));
                var last = batch[room - 1];
                return new MemoryKeyPage(Sorted(page), string.Create(CultureInfo.InvariantCulture, $"{TokenPrefix}{cursor}:{next}:{last}"));
            }

            page.AddRange(batch);
            if (next == 0)
            {
                return new MemoryKeyPage(Sorted(page), null);
            }

            cursor = next;
            if (page.Count == pageSize)
            {
                return new MemoryKeyPage(Sorted(page), string.Create(CultureInfo.InvariantCulture, $"{TokenPrefix}{cursor}"));
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>Walks the prefix's metadata keys with SCAN and removes their entries in batches, each batch one script.</remarks>
    public async ValueTask<long> ClearAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        long removed = 0;
        var metaPrefixLength = _layout.MetaPrefix.Length;
        var match = _layout.MetaMatch();
        long cursor = 0;
        do
        {
            RedisResult[] step;
            try
            {
                step = (RedisResult[])(await _database.ExecuteAsync("SCAN", cursor, "MATCH", match, "COUNT", 500).ConfigureAwait(false))!;
            }
            catch (Exception ex) when (IsServerFailure(ex))
            {
                throw Failure("clear", null, ex);
            }

            cursor = long.Parse((string)step[0]!, CultureInfo.InvariantCulture);
            var keys = ((RedisResult[])step[1]!).Select(k => ((string)k!)[metaPrefixLength..]).Distinct(StringComparer.Ordinal).ToList();
            removed += await SweepAsync(keys, clear: true).ConfigureAwait(false);
        }
        while (cursor != 0);

        return removed;
    }

    /// <summary>One SCAN step over data keys; returns the next cursor and the user keys of the live entries found.</summary>
    private async Task<(long Next, List<string> Keys)> ScanStepAsync(long cursor, string match, int count)
    {
        var args = new RedisValue[] { cursor, match, count, Ticks(_time.GetUtcNow().UtcTicks), _layout.DataPrefixByteLength, _layout.MetaPrefix };
        var parts = (RedisResult[])(await RunAsync(RedisScripts.Scan, null, [], args).ConfigureAwait(false))!;
        var keys = new List<string>(parts.Length - 1);
        for (var i = 1; i < parts.Length; i++)
        {
            keys.Add((string)parts[i]!);
        }

        return (long.Parse((string)parts[0]!, CultureInfo.InvariantCulture), keys);
    }

    /// <summary>Removes (clear) or reclaims if expired (not clear) the given entries in one script.</summary>
    private async Task<long> SweepAsync(List<string> keys, bool clear)
    {
        if (keys.Count == 0)
        {
            return 0;
        }

        var args = new RedisValue[5 + keys.Count];
        Args(keys[0]).AsSpan(0, 4).CopyTo(args);
        args[4] = clear ? "c" : "x";
        for (var i = 0; i < keys.Count; i++)
        {
            args[5 + i] = keys[i];
        }

        return (long)await RunAsync(RedisScripts.Sweep, null, _layout.EntryKeys(keys), args).ConfigureAwait(false);
    }

    private static List<string> Sorted(List<string> keys)
    {
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    private static (long Cursor, long ExpectedNext, string? After) ParseToken(string? token)
    {
        if (token is null)
        {
            return (0, 0, null);
        }

        if (token.StartsWith(TokenPrefix, StringComparison.Ordinal))
        {
            var parts = token[TokenPrefix.Length..].Split(':', 3);
            if (parts.Length == 1 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var cursor))
            {
                return (cursor, 0, null);
            }

            if (parts.Length == 3
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out cursor)
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var next))
            {
                return (cursor, next, parts[2]);
            }
        }

        throw new ArgumentException($"The continuation token '{token}' was not produced by this store; pass back the token of the previous page unchanged.", "continuationToken");
    }
}
