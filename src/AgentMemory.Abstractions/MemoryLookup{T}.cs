namespace AgentMemory;

/// <summary>The result of a read that distinguishes "not found" from a stored default value.</summary>
/// <typeparam name="T">The type of the value.</typeparam>
/// <remarks>Immutable; thread-safe when <typeparamref name="T"/> is.</remarks>
public readonly record struct MemoryLookup<T>
{
    /// <summary>Creates a lookup result that found <paramref name="value"/>.</summary>
    /// <param name="value">The value found.</param>
    public MemoryLookup(T value)
    {
        Found = true;
        Value = value;
    }

    /// <summary>A lookup that found nothing.</summary>
    public static MemoryLookup<T> NotFound => default;

    /// <summary>Whether the key held a live entry.</summary>
    public bool Found { get; }

    /// <summary>The value found, or <c>default</c> when <see cref="Found"/> is false.</summary>
    public T? Value { get; }
}
