namespace AgentMemory.Storage;

// Key listing: glob filtering and ordered paging over the live keys.
public sealed partial class InMemoryStore
{
    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> ListKeysAsync(string? pattern = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var page = await ListKeysPageAsync(pattern, null, limit, cancellationToken).ConfigureAwait(false);
        return page.Keys;
    }

    /// <inheritdoc />
    /// <remarks>
    /// The in-process store returns keys in ordinal order and the token names the last key returned, so each page
    /// costs one pass over the table (O(n log pageSize)) and no state is held between pages.
    /// </remarks>
    public ValueTask<MemoryKeyPage> ListKeysPageAsync(string? pattern = null, string? continuationToken = null, int pageSize = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var glob = GlobPattern.Parse(pattern);
        var after = KeyPageToken.Parse(continuationToken, nameof(continuationToken));

        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        var now = NowTicks();

        // Keep the pageSize + 1 smallest matching keys: a max-heap whose root is the largest kept key.
        var heap = new PriorityQueue<string, string>(Comparer<string>.Create(static (a, b) => string.CompareOrdinal(b, a)));
        void Consider(string key, MemoryEntry entry)
        {
            if ((after is not null && string.CompareOrdinal(key, after) <= 0)
                || entry.State is not { } state || state.IsExpiredAt(now) || !glob.IsMatch(key))
            {
                return;
            }

            if (heap.Count <= pageSize)
            {
                heap.Enqueue(key, key);
            }
            else if (string.CompareOrdinal(key, heap.Peek()) < 0)
            {
                heap.DequeueEnqueue(key, key);
            }
        }

        if (glob.Literal is { } literal)
        {
            if (_table.TryGetValue(literal, out var entry))
            {
                Consider(literal, entry);
            }
        }
        else
        {
            var scanned = 0;
            foreach (var (key, entry) in _table)
            {
                if ((++scanned & 0xFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                Consider(key, entry);
            }
        }

        var more = heap.Count > pageSize;
        if (more)
        {
            heap.Dequeue();
        }

        var keys = new string[heap.Count];
        for (var i = keys.Length - 1; i >= 0; i--)
        {
            keys[i] = heap.Dequeue();
        }

        return new(new MemoryKeyPage(keys, more ? KeyPageToken.After(keys[^1]) : null));
    }
}
