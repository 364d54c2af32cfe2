using System.Buffers;

namespace AgentMemory.Persistence.Archive;

/// <summary>
/// Bytes in an array rented from <see cref="ArrayPool{T}.Shared"/>; <see cref="Dispose"/> returns it. Blocks are
/// often larger than the large-object threshold, so renting keeps index rebuilds and reads from churning the
/// large-object heap.
/// </summary>
/// <remarks>Not thread-safe; owned by one caller, disposed exactly once, not used after.</remarks>
internal readonly struct PooledBuffer : IDisposable
{
    private readonly byte[] _array;

    /// <summary>Rents an array of at least <paramref name="length"/> bytes.</summary>
    public PooledBuffer(int length)
    {
        _array = ArrayPool<byte>.Shared.Rent(length);
        Length = length;
    }

    /// <summary>The number of bytes in use.</summary>
    public int Length { get; }

    /// <summary>The bytes in use.</summary>
    public Memory<byte> Memory => _array.AsMemory(0, Length);

    /// <summary>The bytes in use.</summary>
    public Span<byte> Span => _array.AsSpan(0, Length);

    /// <summary>Returns the array to the pool.</summary>
    public void Dispose() => ArrayPool<byte>.Shared.Return(_array);
}
