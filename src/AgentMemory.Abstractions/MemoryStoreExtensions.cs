using System.Runtime.CompilerServices;

namespace AgentMemory;

/// <summary>Conveniences over <see cref="IMemoryStore"/> that work with any implementation.</summary>
/// <remarks>Thread-safe as the store underneath is.</remarks>
public static class MemoryStoreExtensions
{
    /// <summary>
    /// Enumerates every live key that matches <paramref name="pattern"/>, page by page through
    /// <see cref="IMemoryStore.ListKeysPageAsync"/>, with the same guarantees.
    /// </summary>
    /// <param name="store">The store.</param>
    /// <param name="pattern">A glob, as for <see cref="IMemoryStore.ListKeysAsync"/>; null matches every key.</param>
    /// <param name="pageSize">How many keys to fetch per page; at least 1.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The keys.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="pattern"/> is malformed.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pageSize"/> is less than 1.</exception>
    public static IAsyncEnumerable<string> EnumerateKeysAsync(this IMemoryStore store, string? pattern = null, int pageSize = 1000, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        return Enumerate(store, pattern, pageSize, cancellationToken);

        static async IAsyncEnumerable<string> Enumerate(IMemoryStore store, string? pattern, int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            string? token = null;
            do
            {
                var page = await store.ListKeysPageAsync(pattern, token, pageSize, cancellationToken).ConfigureAwait(false);
                foreach (var key in page.Keys)
                {
                    yield return key;
                }

                token = page.ContinuationToken;
            }
            while (token is not null);
        }
    }
}
