using MessagePack;
using MessagePack.Resolvers;

namespace AgentMemory.Serialization;

/// <summary>
/// The default <see cref="IMemorySerializer"/>: MessagePack, compact and fast, hardened for untrusted input.
/// </summary>
/// <remarks>
/// <para>
/// The default instance uses MessagePack's contractless resolver, so plain classes and records serialize by their
/// public members without attributes, and <see cref="MessagePackSecurity.UntrustedData"/>, which bounds nesting
/// depth and hashes collision-resistantly while reading. Polymorphic "typeless" serialization, which would let
/// stored bytes choose a type to instantiate, is never enabled by this class.
/// </para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed class MessagePackMemorySerializer : IMemorySerializer
{
    private readonly MessagePackSerializerOptions _options;

    /// <summary>Creates a serializer with the contractless resolver and untrusted-data security.</summary>
    public MessagePackMemorySerializer()
        : this(ContractlessStandardResolver.Options)
    {
    }

    /// <summary>
    /// Creates a serializer with the given MessagePack options (for example a resolver for attributed types or
    /// LZ4 compression). When the options carry MessagePack's default trusted-data security it is replaced by
    /// <see cref="MessagePackSecurity.UntrustedData"/>; a custom security object is kept as given.
    /// </summary>
    /// <param name="options">The MessagePack options.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public MessagePackMemorySerializer(MessagePackSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = ReferenceEquals(options.Security, MessagePackSecurity.TrustedData)
            ? options.WithSecurity(MessagePackSecurity.UntrustedData)
            : options;
    }

    /// <summary>The shared default instance.</summary>
    public static MessagePackMemorySerializer Default { get; } = new();

    /// <summary>The MessagePack options in effect, with their security setting.</summary>
    public MessagePackSerializerOptions Options => _options;

    /// <inheritdoc />
    public byte[] Serialize<T>(T value)
    {
        try
        {
            return MessagePackSerializer.Serialize(value, _options);
        }
        catch (MessagePackSerializationException ex)
        {
            throw new MemorySerializationException($"A value of type {typeof(T)} cannot be serialized with MessagePack: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public byte[] Serialize(object? value, Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        try
        {
            return MessagePackSerializer.Serialize(type, value, _options);
        }
        catch (MessagePackSerializationException ex)
        {
            throw new MemorySerializationException($"A value of type {type} cannot be serialized with MessagePack: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public T Deserialize<T>(ReadOnlyMemory<byte> data)
    {
        T value;
        int read;
        try
        {
            value = MessagePackSerializer.Deserialize<T>(data, _options, out read);
        }
        catch (MessagePackSerializationException ex)
        {
            // The innermost message says what was wrong (for example the untrusted-data depth limit); the outer one only names the type.
            throw new MemorySerializationException($"The stored bytes ({data.Length} bytes) are not a MessagePack {typeof(T)}: {ex.GetBaseException().Message}", ex);
        }

        if (read != data.Length)
        {
            throw new MemorySerializationException($"The stored bytes hold a {typeof(T)} in their first {read} bytes but have {data.Length - read} more; they are not one MessagePack value.");
        }

        return value;
    }
}
