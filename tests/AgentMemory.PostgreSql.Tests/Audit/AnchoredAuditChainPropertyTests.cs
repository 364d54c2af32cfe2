using AgentMemory.PostgreSql.Audit;
using CsCheck;

namespace AgentMemory.PostgreSql.Tests.Audit;

/// <summary>
/// The anchored verification as a property: for a random chain, after random retention (a dropped prefix and its
/// anchor), an intact log verifies and any single edit, deletion, swap, truncation or anchor forgery is detected.
/// </summary>
public sealed class AnchoredAuditChainPropertyTests
{
    private static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray();

    [Fact]
    public void IntactChains_Verify_AndEverySingleTamperingIsDetected()
    {
        var genRecord = Gen.Select(Gen.Int[0, 100_000], Gen.OneOf("a", "b", "c"), Gen.String[Gen.Char.AlphaNumeric, 1, 20], Gen.Enum<MemoryAuditResult>())
            .Select((seconds, principal, resource, result) => new MemoryAuditRecord(DateTimeOffset.UnixEpoch.AddSeconds(seconds), principal, resource, MemoryAction.Write, result, "Store"));
        Gen.Select(genRecord.Array[1, 25], Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], Gen.Int[0, 5]).Sample((records, dropPick, pick, attack) =>
        {
            var chain = Build(records);
            var dropped = dropPick % (records.Length + 1);
            var kept = chain.Skip(dropped).ToList();
            (long, byte[], byte[])? anchor = dropped == 0 ? null : Anchor(dropped + 1, chain[dropped - 1].Hash);
            var last = chain[^1];
            var head = (last.Sequence, last.Hash, AnchoredAuditChain.ComputeHeadMac(Key, last.Sequence, last.Hash));

            AnchoredAuditChain.Verify(kept, anchor, head, Key).Should().Be(new MemoryAuditVerification(true, kept.Count, null, null));

            var tampered = kept.ToList();
            var tamperedAnchor = anchor;
            switch (kept.Count == 0 ? 4 : attack)
            {
                case 0:
                    var i = pick % tampered.Count;
                    tampered[i] = tampered[i] with { Record = tampered[i].Record with { Resource = tampered[i].Record.Resource + "!" } };
                    break;
                case 1:
                    tampered.RemoveAt(pick % tampered.Count);
                    break;
                case 2 when tampered.Count >= 2:
                    var a = pick % tampered.Count;
                    var b = (a + 1 + (pick / tampered.Count % (tampered.Count - 1))) % tampered.Count;
                    (tampered[a], tampered[b]) = (tampered[b], tampered[a]);
                    break;
                case 3:
                    tampered.RemoveRange(tampered.Count - 1 - (pick % tampered.Count), 1 + (pick % tampered.Count));
                    break;
                case 4:
                    // Hide the oldest kept entries behind a new anchor forged without the key.
                    var forgedAt = (tampered.Count == 0 ? last.Sequence : tampered[0].Sequence) + 1;
                    tamperedAnchor = (forgedAt, new byte[32], new byte[32]);
                    tampered = tampered.Skip(1).ToList();
                    break;
                default:
                    tampered.RemoveAt(0);
                    break;
            }

            AnchoredAuditChain.Verify(tampered, tamperedAnchor, head, Key).IsValid.Should().BeFalse();
        }, iter: 300);
    }

    [Fact]
    public void ATruthfulAnchor_WithNothingKept_Verifies_AndAWrongKeyDoesNot()
    {
        var chain = Build([new MemoryAuditRecord(DateTimeOffset.UnixEpoch, "p", "k", MemoryAction.Read, MemoryAuditResult.Allowed, "Retrieve")]);
        var head = (1L, chain[0].Hash, AnchoredAuditChain.ComputeHeadMac(Key, 1, chain[0].Hash));

        AnchoredAuditChain.Verify([], Anchor(2, chain[0].Hash), head, Key).IsValid.Should().BeTrue();
        AnchoredAuditChain.Verify([], Anchor(2, chain[0].Hash), head, new byte[32]).Problem.Should().Contain("anchor");
    }

    private static List<(long Sequence, MemoryAuditRecord Record, byte[] PreviousHash, byte[] Hash)> Build(MemoryAuditRecord[] records)
    {
        var chain = new List<(long, MemoryAuditRecord, byte[], byte[])>();
        var previous = AnchoredAuditChain.GenesisHash();
        for (var i = 0; i < records.Length; i++)
        {
            var hash = AnchoredAuditChain.ComputeHash(i + 1, records[i], previous);
            chain.Add((i + 1L, records[i], previous, hash));
            previous = hash;
        }

        return chain;
    }

    private static (long, byte[], byte[]) Anchor(long firstSequence, byte[] previousHash) =>
        (firstSequence, previousHash, AnchoredAuditChain.ComputeAnchorMac(Key, firstSequence, previousHash));
}
