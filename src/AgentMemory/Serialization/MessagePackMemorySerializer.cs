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

    /// <summary>Whether a <c>byte[]</c> is written as MessagePack's standard resolvers write it (a bin header and the bytes, uncompressed), so it can be written directly.</summary>
    private readonly bool _plainBytes;

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
        _plainBytes = _options.Compression == MessagePackCompression.None
            && (ReferenceEquals(_options.Resolver, ContractlessStandardResolver.Instance) || ReferenceEquals(_options.Resolver, StandardResolver.Instance));
    }

    /// <summary>The shared default instance.</summary>
    public static MessagePackMemorySerializer Default { get; } = new();

    /// <summary>The MessagePack options in effect, with their security setting.</summary>
    public MessagePackSerializerOptions Options => _options;

    /// <inheritdoc />
    public byte[] Serialize<T>(T value)
    {
        if (typeof(T) == typeof(byte[]) && _plainBytes && value is byte[] bytes)
        {
            return EncodeBin(bytes);
        }

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
        if (_plainBytes && type == typeof(byte[]) && value is byte[] bytes)
        {
            return EncodeBin(bytes);
        }

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

    /// <summary>
    /// A byte array as MessagePack's standard resolvers write it (bin 8, 16 or 32 header, big-endian length, then the
    /// bytes), without the serializer's buffer and type dispatch: storing raw bytes is the common case on batch paths.
    /// </summary>
    private static byte[] EncodeBin(byte[] bytes)
    {
        var length = bytes.Length;
        var header = length <= byte.MaxValue ? 2 : length <= ushort.MaxValue ? 3 : 5;
        var result = GC.AllocateUninitializedArray<byte>(header + length);
        switch (header)
        {
            case 2:
                result[0] = MessagePackCode.Bin8;
                result[1] = (byte)length;
                break;
            case 3:
                result[0] = MessagePackCode.Bin16;
                System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(1), (ushort)length);
                break;
            default:
                result[0] = MessagePackCode.Bin32;
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(1), (uint)length);
                break;
        }

        bytes.CopyTo(result, header);
        return result;
    }
}
