namespace AgentMemory;

/// <summary>
/// Turns values into the immutable bytes a store keeps, and back. Every tier and backend stores what this
/// produces, so a store and everything it persists to must use the same serializer.
/// </summary>
/// <remarks>
/// Implementations must be thread-safe and must treat the bytes they read as untrusted: stored data can come from
/// a file or a server another process wrote. The default is MessagePack with untrusted-data security.
/// </remarks>
public interface IMemorySerializer
{
    /// <summary>Serializes <paramref name="value"/> as <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The declared type of the value.</typeparam>
    /// <param name="value">The value.</param>
    /// <returns>A new array that the caller owns.</returns>
    /// <exception cref="MemorySerializationException">The value cannot be serialized.</exception>
    byte[] Serialize<T>(T value);

    /// <summary>Serializes <paramref name="value"/> as <paramref name="type"/>.</summary>
    /// <param name="value">The value.</param>
    /// <param name="type">The declared type of the value.</param>
    /// <returns>A new array that the caller owns.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="type"/> is null.</exception>
    /// <exception cref="MemorySerializationException">The value cannot be serialized.</exception>
    byte[] Serialize(object? value, Type type);

    /// <summary>Deserializes bytes produced by <see cref="Serialize{T}(T)"/> into a new <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The type to read.</typeparam>
    /// <param name="data">The serialized bytes; not retained.</param>
    /// <returns>A new value, independent of <paramref name="data"/>.</returns>
    /// <exception cref="MemorySerializationException">The bytes are not a valid <typeparamref name="T"/>.</exception>
    T Deserialize<T>(ReadOnlyMemory<byte> data);
}
