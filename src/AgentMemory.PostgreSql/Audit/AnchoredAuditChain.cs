using System.Buffers.Binary;
using System.Security.Cryptography;
using AgentMemory.Security;

namespace AgentMemory.PostgreSql.Audit;

/// <summary>
/// The engine's audit chain (<see cref="AuditChain"/>: SHA-256 links, HMAC'd head) extended with a retention anchor:
/// when old entries are dropped, the sequence number of the oldest kept entry and the hash it links to are stored
/// with their own HMAC, and verification starts there instead of at entry 1 and the genesis hash.
/// </summary>
/// <remarks>Thread-safe: static and pure.</remarks>
internal static class AnchoredAuditChain
{
    private static readonly byte[] AnchorLabel = "AgentMemory.AuditAnchor.v1"u8.ToArray();

    /// <summary>The hash of entry 1's predecessor (32 zero bytes).</summary>
    public static byte[] GenesisHash() => AuditChain.GenesisHash.ToArray();

    /// <summary>An entry's chain hash (the engine's <see cref="AuditChain.ComputeHash"/>).</summary>
    public static byte[] ComputeHash(long sequence, MemoryAuditRecord record, ReadOnlySpan<byte> previousHash) => AuditChain.ComputeHash(sequence, record, previousHash);

    /// <summary>The head's HMAC (the engine's <see cref="AuditChain.ComputeHeadMac"/>).</summary>
    public static byte[] ComputeHeadMac(ReadOnlySpan<byte> key, long sequence, ReadOnlySpan<byte> hash) => AuditChain.ComputeHeadMac(key, sequence, hash);

    public static byte[] ComputeAnchorMac(ReadOnlySpan<byte> key, long firstSequence, ReadOnlySpan<byte> previousHash)
    {
        Span<byte> message = stackalloc byte[AnchorLabel.Length + 8 + AuditChain.HashSize];
        AnchorLabel.CopyTo(message);
        BinaryPrimitives.WriteInt64BigEndian(message[AnchorLabel.Length..], firstSequence);
        previousHash.CopyTo(message[(AnchorLabel.Length + 8)..]);
        return HMACSHA256.HashData(key, message);
    }

    /// <summary>Checks the anchor, the entries (in stored order) and the head; the same problems and wording as <see cref="AuditChain.Verify"/>.</summary>
    public static MemoryAuditVerification Verify(
        IEnumerable<(long Sequence, MemoryAuditRecord Record, byte[] PreviousHash, byte[] Hash)> entries,
        (long FirstSequence, byte[] PreviousHash, byte[] Mac)? anchor,
        (long Sequence, byte[] Hash, byte[] Mac)? head,
        ReadOnlySpan<byte> key)
    {
        long expected = 1;
        var running = AuditChain.GenesisHash.ToArray();
        if (anchor is { } a)
        {
            if (a.PreviousHash.Length != AuditChain.HashSize || !CryptographicOperations.FixedTimeEquals(ComputeAnchorMac(key, a.FirstSequence, a.PreviousHash), a.Mac))
            {
                return new(false, 0, a.FirstSequence, "The retention anchor's HMAC does not verify: the anchor was forged or the audit key is wrong.");
            }

            expected = a.FirstSequence;
            running = a.PreviousHash;
        }

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

            var recomputed = AuditChain.ComputeHash(sequence, record, running);
            if (!CryptographicOperations.FixedTimeEquals(recomputed, hash))
            {
                return new(false, checkedCount, sequence, $"Entry {sequence} does not match its hash: it was edited.");
            }

            running = recomputed;
            checkedCount++;
            expected++;
        }

        var last = expected - 1;
        if (head is null)
        {
            return checkedCount == 0 && anchor is null
                ? new(true, 0, null, null)
                : new(false, checkedCount, expected - checkedCount, "The log has entries but no authenticated head: the head was removed.");
        }

        var (headSequence, headHash, mac) = head.Value;
        if (!CryptographicOperations.FixedTimeEquals(AuditChain.ComputeHeadMac(key, headSequence, headHash), mac))
        {
            return new(false, checkedCount, headSequence, "The chain head's HMAC does not verify: the head was forged or the audit key is wrong.");
        }

        if (headSequence != last || !CryptographicOperations.FixedTimeEquals(headHash, running))
        {
            return new(false, checkedCount, Math.Min(headSequence, last) + 1, headSequence > last
                ? $"The authenticated head is at entry {headSequence} but the log ends at entry {last}: the log was truncated."
                : $"The log ends at entry {last} but the authenticated head is at entry {headSequence}: entries were appended or rewritten without the audit key.");
        }

        return new(true, checkedCount, null, null);
    }
}
