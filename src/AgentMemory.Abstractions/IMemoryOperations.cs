namespace AgentMemory;

/// <summary>
/// The operations protocol: batches, atomic counters and compare-and-swap, hash maps and lists.
/// </summary>
/// <remarks>
/// <para>
/// Every operation is atomic on its key: concurrent increments, compare-and-swaps, field writes and appends on the
/// same key never lose an update. A batch is not a transaction: each of its operations is atomic on its own and
/// succeeds or fails on its own.
/// </para>
/// <para>
/// Hashes and lists follow Redis: writing a field or appending to an absent key creates the entry, an entry whose
/// last field or item is removed disappears, and reading an absent key gives an empty map or list. Operating on an
/// entry of another kind throws <see cref="MemoryTypeMismatchException"/>. Entries created by these operations do
/// not expire and have <see cref="MemoryPriority.Normal"/> priority unless options say otherwise; updating an
/// existing entry keeps its TTL, priority and metadata.
/// </para>
/// <para>Implementations are thread-safe.</para>
/// </remarks>
public interface IMemoryOperations
{
    /// <summary>Runs a batch of stores and deletes, in order, and reports what happened to each.</summary>
    /// <param name="operations">The operations.</param>
    /// <param name="cancellationToken">Cancels the batch before it starts.</param>
    /// <returns>One outcome per operation and the success count.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="operations"/> or one of its items is null.</exception>
    ValueTask<MemoryBatchResult> ExecuteBatchAsync(IEnumerable<MemoryBatchOperation> operations, CancellationToken cancellationToken = default);

    /// <summary>Reads several values at once.</summary>
    /// <typeparam name="T">The type to deserialize as.</typeparam>
    /// <param name="keys">The keys to read; duplicates are read once.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>The keys that hold a live value, with their values; absent keys are left out.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> or one of its items is null.</exception>
    /// <exception cref="ArgumentException">A key is empty.</exception>
    /// <exception cref="MemoryTypeMismatchException">A key holds a hash or a list.</exception>
    /// <exception cref="MemorySerializationException">A stored value is not a <typeparamref name="T"/>.</exception>
    ValueTask<IReadOnlyDictionary<string, T>> RetrieveManyAsync<T>(IEnumerable<string> keys, CancellationToken cancellationToken = default);

    /// <summary>Deletes several entries at once.</summary>
    /// <param name="keys">The keys to delete.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>How many live entries were deleted.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> or one of its items is null.</exception>
    /// <exception cref="ArgumentException">A key is empty.</exception>
    ValueTask<long> DeleteManyAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default);

    /// <summary>
    /// Atomically adds <paramref name="amount"/> to the 64-bit integer under <paramref name="key"/>; an absent key
    /// counts as 0. The counter is an ordinary value: <c>RetrieveAsync&lt;long&gt;</c> reads it.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="amount">The amount to add; may be negative.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>The new value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException">The key is invalid.</exception>
    /// <exception cref="MemoryTypeMismatchException">The key holds something other than a 64-bit integer.</exception>
    /// <exception cref="MemoryOverflowException">The result would not fit in 64 bits; the counter is unchanged.</exception>
    ValueTask<long> IncrementAsync(string key, long amount = 1, CancellationToken cancellationToken = default);

    /// <summary>Atomically subtracts <paramref name="amount"/> from the 64-bit integer under <paramref name="key"/>; an absent key counts as 0.</summary>
    /// <param name="key">The key.</param>
    /// <param name="amount">The amount to subtract; may be negative, but not <see cref="long.MinValue"/>.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>The new value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException">The key is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="amount"/> is <see cref="long.MinValue"/>.</exception>
    /// <exception cref="MemoryTypeMismatchException">The key holds something other than a 64-bit integer.</exception>
    /// <exception cref="MemoryOverflowException">The result would not fit in 64 bits; the counter is unchanged.</exception>
    ValueTask<long> DecrementAsync(string key, long amount = 1, CancellationToken cancellationToken = default);

    /// <summary>
    /// Atomically replaces the value under <paramref name="key"/> with <paramref name="newValue"/> if it currently
    /// equals <paramref name="expected"/>. Equality is of the serialized forms: both are serialized as
    /// <typeparamref name="T"/> and compared byte for byte. The entry keeps its TTL, priority and metadata.
    /// </summary>
    /// <typeparam name="T">The type both values are serialized as.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="expected">The value the entry must hold.</param>
    /// <param name="newValue">The value to store.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns><see langword="true"/> if the value was swapped; <see langword="false"/> if the key holds no live value or a different one.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException">The key is invalid.</exception>
    /// <exception cref="MemoryTypeMismatchException">The key holds a hash or a list.</exception>
    /// <exception cref="MemorySerializationException">A value cannot be serialized.</exception>
    /// <exception cref="MemoryCapacityException">The entry with the new value would be larger than the byte budget.</exception>
    ValueTask<bool> CompareAndSwapAsync<T>(string key, T expected, T newValue, CancellationToken cancellationToken = default);

    /// <summary>Reads every field of the hash under <paramref name="key"/>.</summary>
    /// <typeparam name="T">The type to deserialize each field as.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>A fresh map of the fields; empty when the key is absent.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty.</exception>
    /// <exception cref="MemoryTypeMismatchException">The key holds a value or a list.</exception>
    /// <exception cref="MemorySerializationException">A field is not a <typeparamref name="T"/>.</exception>
    ValueTask<IReadOnlyDictionary<string, T>> GetHashAsync<T>(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the whole hash under <paramref name="key"/> with <paramref name="fields"/>, whatever the key held
    /// before. An empty map deletes the key.
    /// </summary>
    /// <typeparam name="T">The type each field is serialized as.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="fields">The fields; names must be non-null.</param>
    /// <param name="options">TTL, priority and metadata for the entry, or <see langword="null"/> for defaults.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>A task that completes when the hash is stored.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/>, <paramref name="fields"/> or a field name is null.</exception>
    /// <exception cref="ArgumentException">The key or the options are invalid.</exception>
    /// <exception cref="MemorySerializationException">A field cannot be serialized.</exception>
    /// <exception cref="MemoryCapacityException">The hash is larger than the byte budget.</exception>
    ValueTask SetHashAsync<T>(string key, IReadOnlyDictionary<string, T> fields, MemoryEntryOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Reads one field of the hash under <paramref name="key"/>.</summary>
    /// <typeparam name="T">The type to deserialize the field as.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="field">The field name.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>The lookup result: not found when the key or the field is absent.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> or <paramref name="field"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty.</exception>
    /// <exception cref="MemoryTypeMismatchException">The key holds a value or a list.</exception>
    /// <exception cref="MemorySerializationException">The field is not a <typeparamref name="T"/>.</exception>
    ValueTask<MemoryLookup<T>> GetHashFieldAsync<T>(string key, string field, CancellationToken cancellationToken = default);

    /// <summary>Atomically sets one field of the hash under <paramref name="key"/>, creating the hash if the key is absent.</summary>
    /// <typeparam name="T">The type the field is serialized as.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="field">The field name.</param>
    /// <param name="value">The field value.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns><see langword="true"/> if the field was added; <see langword="false"/> if an existing field was overwritten.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> or <paramref name="field"/> is null.</exception>
    /// <exception cref="ArgumentException">The key is invalid.</exception>
    /// <exception cref="MemoryTypeMismatchException">The key holds a value or a list.</exception>
    /// <exception cref="MemorySerializationException">The value cannot be serialized.</exception>
    /// <exception cref="MemoryCapacityException">The hash would be larger than the byte budget; it is unchanged.</exception>
    ValueTask<bool> SetHashFieldAsync<T>(string key, string field, T value, CancellationToken cancellationToken = default);

    /// <summary>Atomically removes one field of the hash under <paramref name="key"/>; removing the last field deletes the key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="field">The field name.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns><see langword="true"/> if the field existed and was removed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> or <paramref name="field"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty.</exception>
    /// <exception cref="MemoryTypeMismatchException">The key holds a value or a list.</exception>
    ValueTask<bool> DeleteHashFieldAsync(string key, string field, CancellationToken cancellationToken = default);

    /// <summary>Counts the fields of the hash under <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>The field count; 0 when the key is absent.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty.</exception>
    /// <exception cref="MemoryTypeMismatchException">The key holds a value or a list.</exception>
    ValueTask<long> GetHashLengthAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Reads every item of the list under <paramref name="key"/>.</summary>
    /// <typeparam name="T">The type to deserialize each item as.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>A fresh list of the items, in order; empty when the key is absent.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty.</exception>
    /// <exception cref="MemoryTypeMismatchException">The key holds a value or a hash.</exception>
    /// <exception cref="MemorySerializationException">An item is not a <typeparamref name="T"/>.</exception>
    ValueTask<IReadOnlyList<T>> GetListAsync<T>(string key, CancellationToken cancellationToken = default);

    /// <summary>Reads a range of the list under <paramref name="key"/>.</summary>
    /// <typeparam name="T">The type to deserialize each item as.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="range">
    /// The items to read, with C# range semantics (<c>2..5</c>, <c>^3..</c>, <c>..</c>). Ends past the list are
    /// clamped to it, as Redis's LRANGE does; an empty or inverted range gives an empty list.
    /// </param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>A fresh list of the items in range, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty.</exception>
    /// <exception cref="MemoryTypeMismatchException">The key holds a value or a hash.</exception>
    /// <exception cref="MemorySerializationException">An item is not a <typeparamref name="T"/>.</exception>
    ValueTask<IReadOnlyList<T>> GetListRangeAsync<T>(string key, Range range, CancellationToken cancellationToken = default);

    /// <summary>Atomically appends <paramref name="values"/> to the end of the list under <paramref name="key"/>, creating it if the key is absent.</summary>
    /// <typeparam name="T">The type each item is serialized as.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="values">The items to append, in order; all or none are appended.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>The list's length after the append.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> or <paramref name="values"/> is null.</exception>
    /// <exception cref="ArgumentException">The key is invalid.</exception>
    /// <exception cref="MemoryTypeMismatchException">The key holds a value or a hash.</exception>
    /// <exception cref="MemorySerializationException">An item cannot be serialized.</exception>
    /// <exception cref="MemoryCapacityException">The list would be larger than the byte budget; it is unchanged.</exception>
    ValueTask<long> AppendToListAsync<T>(string key, IEnumerable<T> values, CancellationToken cancellationToken = default);

    /// <summary>Counts the items of the list under <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>The item count; 0 when the key is absent.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty.</exception>
    /// <exception cref="MemoryTypeMismatchException">The key holds a value or a hash.</exception>
    ValueTask<long> GetListLengthAsync(string key, CancellationToken cancellationToken = default);
}
