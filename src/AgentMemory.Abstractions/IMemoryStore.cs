namespace AgentMemory;

/// <summary>
/// The base memory protocol: store, retrieve, delete and inspect values under string keys, with optional time to
/// live, eviction priority and JSON-like metadata.
/// </summary>
/// <remarks>
/// <para>
/// Values are serialized once, when stored, by the store's <see cref="IMemorySerializer"/>; a read deserializes a
/// fresh object, so callers can never change what is stored through a reference. Storing a key replaces its whole
/// entry (value, TTL, priority and metadata). An expired entry is never returned.
/// </para>
/// <para>
/// Keys follow the rules of <see cref="MemoryKey"/>. A missing key is an expected outcome (<see langword="null"/>,
/// <see langword="false"/>, empty), never an exception. In-process implementations complete synchronously.
/// </para>
/// <para>Implementations are thread-safe: every member may be called concurrently, and each call is atomic.</para>
/// </remarks>
public interface IMemoryStore
{
    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>, replacing any entry there.</summary>
    /// <typeparam name="T">The type the value is serialized as, and should be read back as.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="options">TTL, priority and metadata, or <see langword="null"/> for a non-expiring, normal-priority entry.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>A task that completes when the value is stored.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException">The key breaks the <see cref="MemoryKey"/> rules, or the options are invalid (a non-positive TTL, an absolute expiration in the past, both set).</exception>
    /// <exception cref="MemorySerializationException">The value cannot be serialized.</exception>
    /// <exception cref="MemoryCapacityException">The entry alone is larger than the store's byte budget.</exception>
    ValueTask StoreAsync<T>(string key, T value, MemoryEntryOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores already-serialized bytes under <paramref name="key"/>, replacing any entry there. The bytes are copied;
    /// <see cref="RetrieveAsync{T}"/> later deserializes them with the store's serializer.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The serialized value.</param>
    /// <param name="options">TTL, priority and metadata, or <see langword="null"/> for defaults.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>A task that completes when the value is stored.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException">The key or the options are invalid.</exception>
    /// <exception cref="MemoryCapacityException">The entry alone is larger than the store's byte budget.</exception>
    ValueTask StoreRawAsync(string key, ReadOnlyMemory<byte> value, MemoryEntryOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Reads the value under <paramref name="key"/>.</summary>
    /// <typeparam name="T">The type to deserialize as.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>A fresh copy of the value, or <c>default</c> when the key holds no live entry (use <see cref="TryRetrieveAsync{T}"/> to tell the two apart for value types).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty.</exception>
    /// <exception cref="MemoryTypeMismatchException">The key holds a hash or a list.</exception>
    /// <exception cref="MemorySerializationException">The stored bytes are not a <typeparamref name="T"/>.</exception>
    ValueTask<T?> RetrieveAsync<T>(string key, CancellationToken cancellationToken = default);

    /// <summary>Reads the value under <paramref name="key"/>, saying whether there was one.</summary>
    /// <typeparam name="T">The type to deserialize as.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>The lookup result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty.</exception>
    /// <exception cref="MemoryTypeMismatchException">The key holds a hash or a list.</exception>
    /// <exception cref="MemorySerializationException">The stored bytes are not a <typeparamref name="T"/>.</exception>
    ValueTask<MemoryLookup<T>> TryRetrieveAsync<T>(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the serialized bytes under <paramref name="key"/> without copying or deserializing them. The memory is
    /// read-only and stays valid (and unchanged) even if the entry is later overwritten or removed.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>The stored bytes, or <see langword="null"/> when the key holds no live entry.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty.</exception>
    /// <exception cref="MemoryTypeMismatchException">The key holds a hash or a list.</exception>
    ValueTask<ReadOnlyMemory<byte>?> RetrieveRawAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Deletes the entry under <paramref name="key"/>, whatever its kind.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns><see langword="true"/> if a live entry was deleted.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty.</exception>
    ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Tells whether <paramref name="key"/> holds a live entry of any kind.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns><see langword="true"/> if the key holds a live entry.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty.</exception>
    ValueTask<bool> ExistsAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Reads the metadata of the entry under <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>A fresh copy of the metadata (empty if the entry has none), or <see langword="null"/> when the key holds no live entry.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty.</exception>
    ValueTask<IReadOnlyDictionary<string, MetadataValue>?> GetMetadataAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Changes the metadata of an existing entry, leaving its value, TTL and priority as they are.</summary>
    /// <param name="key">The key.</param>
    /// <param name="metadata">The fields to merge in, or the whole new metadata.</param>
    /// <param name="mode">Whether to merge into or replace the current metadata.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns><see langword="true"/> if the entry existed and was updated; <see langword="false"/> if the key holds no live entry.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> or <paramref name="metadata"/> is null.</exception>
    /// <exception cref="ArgumentException">The key is invalid, or <paramref name="mode"/> is not defined.</exception>
    /// <exception cref="MemoryCapacityException">The entry with its new metadata would be larger than the byte budget.</exception>
    ValueTask<bool> UpdateMetadataAsync(string key, IReadOnlyDictionary<string, MetadataValue> metadata, MetadataUpdateMode mode = MetadataUpdateMode.Merge, CancellationToken cancellationToken = default);

    /// <summary>Reads the bookkeeping of the entry under <paramref name="key"/>: kind, size, priority, times.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>The entry's information, or <see langword="null"/> when the key holds no live entry.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty.</exception>
    ValueTask<MemoryEntryInfo?> GetEntryInfoAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists up to <paramref name="limit"/> keys of live entries that match a glob <paramref name="pattern"/>, in
    /// ordinal order. The same as the first page of <see cref="ListKeysPageAsync"/>.
    /// </summary>
    /// <param name="pattern">
    /// A glob: <c>*</c> matches any run of characters, <c>?</c> any one character, <c>[abc]</c>, <c>[a-z]</c> and
    /// <c>[!a-z]</c> (or <c>[^a-z]</c>) one character of (or not of) a set, and <c>\</c> escapes the next character.
    /// <see langword="null"/> or <c>*</c> matches every key. Matching takes time linear in the key length for any pattern.
    /// </param>
    /// <param name="limit">The most keys to return; at least 1.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The matching keys, in ordinal order.</returns>
    /// <exception cref="ArgumentException"><paramref name="pattern"/> is malformed (an unclosed <c>[</c>, a trailing <c>\</c>).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is less than 1.</exception>
    ValueTask<IReadOnlyList<string>> ListKeysAsync(string? pattern = null, int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists one page of keys of live entries that match a glob <paramref name="pattern"/>. Pass the returned
    /// <see cref="MemoryKeyPage.ContinuationToken"/> back to get the next page. Every key that exists for the whole
    /// enumeration and matches is returned at least once (the in-process store returns it exactly once, in ordinal
    /// order); keys added or removed meanwhile may or may not appear.
    /// </summary>
    /// <param name="pattern">A glob, as for <see cref="ListKeysAsync"/>.</param>
    /// <param name="continuationToken">The token from the previous page, or <see langword="null"/> for the first page.</param>
    /// <param name="pageSize">The most keys on the page; at least 1.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    /// <exception cref="ArgumentException"><paramref name="pattern"/> or <paramref name="continuationToken"/> is malformed.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pageSize"/> is less than 1.</exception>
    ValueTask<MemoryKeyPage> ListKeysPageAsync(string? pattern = null, string? continuationToken = null, int pageSize = 100, CancellationToken cancellationToken = default);

    /// <summary>Removes every entry.</summary>
    /// <param name="cancellationToken">Cancels the call before it starts.</param>
    /// <returns>How many entries were removed. Entries written concurrently with the clear may survive it.</returns>
    ValueTask<long> ClearAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads the store's counters: entries, bytes, hits, misses, evictions, expirations.</summary>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>A snapshot of the counters.</returns>
    ValueTask<MemoryStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default);
}
