using AgentMemory.Security;
using CsCheck;

namespace AgentMemory.Tests.Security;

/// <summary>Property tests: for random inputs, envelopes round-trip and any single change is caught; audit chains verify and any single edit is caught.</summary>
public sealed class SecurityPropertyTests : IDisposable
{
    private static readonly Gen<string> GenResource = Gen.String[Gen.Char.AlphaNumeric, 1, 40];
    private static readonly Gen<string?> GenPart = Gen.OneOf(Gen.Const((string?)null), Gen.String[Gen.Char.AlphaNumeric, 0, 10].Select(s => (string?)("h:" + s)), Gen.Const<string?>("l"));
    private readonly InProcessKeyProvider _keys = new();
    private readonly EnvelopeCipher _cipher;

    public SecurityPropertyTests()
    {
        _keys.AddKey("k1", SecurityHarness.KeyBytes(1));
        _cipher = new EnvelopeCipher(_keys, "prop");
    }

    [Fact]
    public void Envelope_RoundTrips_AndAnySingleByteChangeOrContextChangeFails()
    {
        Gen.Select(GenResource, GenPart, Gen.Byte.Array[0, 300], Gen.Int[0, int.MaxValue], Gen.Byte[1, 255]).Sample((resource, part, plaintext, position, mask) =>
        {
            var envelope = _cipher.Seal(resource, part, plaintext);
            _cipher.Open(resource, part, envelope, out _).Should().Equal(plaintext);

            var tampered = (byte[])envelope.Clone();
            tampered[position % tampered.Length] ^= mask;
            ((Action)(() => _cipher.Open(resource, part, tampered, out _))).Should().Throw<MemorySecurityException>();
            ((Action)(() => _cipher.Open(resource + "x", part, envelope, out _))).Should().Throw<MemorySecurityException>();
            ((Action)(() => _cipher.Open(resource, part is null ? "l" : null, envelope, out _))).Should().Throw<MemorySecurityException>();
        }, iter: 300);
    }

    [Fact]
    public void AuditChain_AnyRandomLogVerifies_AndAnySingleEditDeletionOrSwapIsCaught()
    {
        var genRecord = Gen.Select(Gen.Int[0, 10_000], Gen.OneOf("a", "b", "c"), GenResource, Gen.Enum<MemoryAuditResult>()).Select((seconds, principal, resource, result) =>
            new MemoryAuditRecord(SecurityHarness.Epoch.AddSeconds(seconds), principal, resource, MemoryAction.Read, result, "Retrieve"));

        Gen.Select(genRecord.Array[2, 30], Gen.Int[0, int.MaxValue], Gen.Int[0, 2]).Sample((records, pick, attack) =>
        {
            using var log = new InMemoryAuditLog(SecurityHarness.KeyBytes(7));
            foreach (var record in records)
            {
                log.AppendAsync(record).AsTask().GetAwaiter().GetResult();
            }

            log.VerifyAsync().AsTask().GetAwaiter().GetResult().IsValid.Should().BeTrue();
            var index = pick % records.Length;
            switch (attack)
            {
                case 0:
                    log.TamperReplaceRecord(index, records[index] with { Resource = records[index].Resource + "!" });
                    break;
                case 1:
                    log.TamperRemoveAt(index);
                    break;
                default:
                    log.TamperSwap(index, (index + 1) % records.Length);
                    break;
            }

            log.VerifyAsync().AsTask().GetAwaiter().GetResult().IsValid.Should().BeFalse();
        }, iter: 200);
    }

    public void Dispose() => _keys.Dispose();
}
