namespace AgentMemory;

/// <summary>One store or delete in a batch passed to <see cref="IMemoryOperations.ExecuteBatchAsync"/>.</summary>
/// <remarks>Immutable once created; thread-safe when the value it carries is not mutated.</remarks>
public sealed class MemoryBatchOperation
{
    private MemoryBatchOperation(MemoryBatchOperationKind kind, string key, object? value, Type? valueType, MemoryEntryOptions? options)
    {
        Kind = kind;
        Key = key;
        Value = value;
        ValueType = valueType;
        Options = options;
    }

    /// <summary>Whether this operation stores or deletes.</summary>
    public MemoryBatchOperationKind Kind { get; }

    /// <summary>The key the operation targets. Validated when the batch runs, so one bad key fails only its own operation.</summary>
    public string Key { get; }

    /// <summary>The value to store; <see langword="null"/> for a delete.</summary>
    public object? Value { get; }

    /// <summary>The declared type the value is serialized as; <see langword="null"/> for a delete.</summary>
    public Type? ValueType { get; }

    /// <summary>TTL, priority and metadata for a store; <see langword="null"/> for defaults or for a delete.</summary>
    public MemoryEntryOptions? Options { get; }

    /// <summary>Creates an operation that stores <paramref name="value"/> under <paramref name="key"/>.</summary>
    /// <typeparam name="T">The type the value is serialized as.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="options">TTL, priority and metadata, or <see langword="null"/> for defaults.</param>
    /// <returns>The operation.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    public static MemoryBatchOperation Store<T>(string key, T value, MemoryEntryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new(MemoryBatchOperationKind.Store, key, value, typeof(T), options);
    }

    /// <summary>Creates an operation that deletes the entry under <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The operation.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    public static MemoryBatchOperation Delete(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new(MemoryBatchOperationKind.Delete, key, null, null, null);
    }
}
