using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace AgentMemory.Security;

/// <summary>
/// The hash chain and authenticated head shared by every audit log: each entry's hash is
/// SHA-256(previous hash | canonical encoding of the entry), and the head (last sequence and hash) is
/// authenticated with HMAC-SHA256 under the audit key.
/// </summary>
/// <remarks>
/// Thread-safe: static and pure. The canonical encoding is: sequence (i64 BE) | timestamp UTC ticks (i64 BE) |
/// principal (presence byte, then length-prefixed UTF-8) | resource | action (i32 BE) | result (i32 BE) |
/// operation | detail (presence byte, then string); every string is a u32 BE byte length and UTF-8 bytes.
/// </remarks>
internal static class AuditChain
{
    public const int HashSize = 32;
    public const int MinKeySize = 32;
    public const int MaxFieldLength = 4096;
    private static readonly byte[] HeadLabel = "AgentMemory.AuditHead.v1"u8.ToArray();

    public static ReadOnlySpan<byte> GenesisHash => new byte[HashSize];

    public static byte[] CopyKey(ReadOnlySpan<byte> hmacKey)
    {
        if (hmacKey.Length < MinKeySize)
        {
            throw new ArgumentException($"The audit HMAC key must be at least {MinKeySize} bytes (256 bits); got {hmacKey.Length}. Use a key separate from the data-encryption keys.", nameof(hmacKey));
        }

        var key = GC.AllocateArray<byte>(hmacKey.Length, pinned: true);
        hmacKey.CopyTo(key);
        return key;
    }

    public static void Validate(MemoryAuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(record.Resource);
        ArgumentNullException.ThrowIfNull(record.Operation);
        CheckLength(record.PrincipalId, nameof(record.PrincipalId));
        CheckLength(record.Resource, nameof(record.Resource));
        CheckLength(record.Operation, nameof(record.Operation));
        CheckLength(record.Detail, nameof(record.Detail));
    }

    public static byte[] ComputeHash(long sequence, MemoryAuditRecord record, ReadOnlySpan<byte> previousHash)
    {
        var encoded = Encode(sequence, record);
        var buffer = new byte[HashSize + encoded.Length];
        previousHash.CopyTo(buffer);
        encoded.CopyTo(buffer, HashSize);
        return SHA256.HashData(buffer);
    }

    public static byte[] ComputeHeadMac(ReadOnlySpan<byte> key, long sequence, ReadOnlySpan<byte> hash)
    {
        Span<byte> message = stackalloc byte[HeadLabel.Length + 8 + HashSize];
        HeadLabel.CopyTo(message);
        BinaryPrimitives.WriteInt64BigEndian(message[HeadLabel.Length..], sequence);
        hash.CopyTo(message[(HeadLabel.Length + 8)..]);
        return HMACSHA256.HashData(key, message);
    }

    /// <summary>Checks entries (in stored order) and the head; the core of every log's VerifyAsync.</summary>
    public static MemoryAuditVerification Verify(IEnumerable<(long Sequence, MemoryAuditRecord Record, byte[] PreviousHash, byte[] Hash)> entries, (long Sequence, byte[] Hash, byte[] Mac)? head, ReadOnlySpan<byte> key)
    {
        long expected = 1;
        var running = GenesisHash.ToArray();
        long checkedCount = 0;
        foreach (var (sequence, record, previousHash, hash) in entries)
        {
            if (sequence != expected)
            {
                return new(false, checkedCount, expected, sequence > expected
                    ? $"Entry {expected} is missing (the next stored entry is {sequence}): entries were deleted."
                    : $"Entry {sequence} appears where entry {expected} belongs: entries were reordered or duplicated.");
            }

            if (!CryptographicOperations.FixedTimeEquals(previousHash, running))
            {
                return new(false, checkedCount, sequence, $"Entry {sequence} does not link to entry {sequence - 1}: entries were reordered, removed or replaced.");
            }

            var recomputed = ComputeHash(sequence, record, running);
            if (!CryptographicOperations.FixedTimeEquals(recomputed, hash))
            {
                return new(false, checkedCount, sequence, $"Entry {sequence} does not match its hash: it was edited.");
            }

            running = recomputed;
            checkedCount++;
            expected++;
        }

        if (head is null)
        {
            return checkedCount == 0
                ? new(true, 0, null, null)
                : new(false, checkedCount, 1, "The log has entries but no authenticated head: the head was removed.");
        }

        var (headSequence, headHash, mac) = head.Value;
        if (!CryptographicOperations.FixedTimeEquals(ComputeHeadMac(key, headSequence, headHash), mac))
        {
            return new(false, checkedCount, headSequence, "The chain head's HMAC does not verify: the head was forged or the audit key is wrong.");
        }

        if (headSequence != checkedCount || !CryptographicOperations.FixedTimeEquals(headHash, running))
        {
            return new(false, checkedCount, Math.Min(headSequence, checkedCount) + 1, headSequence > checkedCount
                ? $"The authenticated head is at entry {headSequence} but the log ends at entry {checkedCount}: the log was truncated."
                : $"The log ends at entry {checkedCount} but the authenticated head is at entry {headSequence}: entries were appended or rewritten without the audit key.");
        }

        return new(true, checkedCount, null, null);
    }

    private static byte[] Encode(long sequence, MemoryAuditRecord record)
    {
        var length = 8 + 8 + 1 + 4 + Utf8(record.PrincipalId) + 4 + Utf8(record.Resource) + 4 + 4 + 4 + Utf8(record.Operation) + 1 + 4 + Utf8(record.Detail);
        var buffer = new byte[length];
        var span = buffer.AsSpan();
        BinaryPrimitives.WriteInt64BigEndian(span, sequence);
        BinaryPrimitives.WriteInt64BigEndian(span[8..], record.Timestamp.UtcTicks);
        var o = 16;
        o += WriteOptional(span[o..], record.PrincipalId);
        o += WriteString(span[o..], record.Resource);
        BinaryPrimitives.WriteInt32BigEndian(span[o..], (int)record.Action);
        BinaryPrimitives.WriteInt32BigEndian(span[(o + 4)..], (int)record.Result);
        o += 8;
        o += WriteString(span[o..], record.Operation);
        WriteOptional(span[o..], record.Detail);
        return buffer;
    }

    private static int Utf8(string? value) => value is null ? 0 : Encoding.UTF8.GetByteCount(value);

    private static int WriteOptional(Span<byte> destination, string? value)
    {
        destination[0] = value is null ? (byte)0 : (byte)1;
        return 1 + WriteString(destination[1..], value ?? string.Empty);
    }

    private static int WriteString(Span<byte> destination, string value)
    {
        var written = Encoding.UTF8.GetBytes(value, destination[4..]);
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)written);
        return 4 + written;
    }

    private static void CheckLength(string? value, string name)
    {
        if (value is not null && value.Length > MaxFieldLength)
        {
            throw new ArgumentException($"The audit record's {name} may be at most {MaxFieldLength} characters; got {value.Length}.", nameof(value));
        }
    }
}
