using System.Text;
using AgentMemory.Security;

namespace AgentMemory.Tests.Security;

public sealed class EnvelopeCipherTests : IDisposable
{
    private readonly InProcessKeyProvider _keys = new();
    private readonly EnvelopeCipher _cipher;

    public EnvelopeCipherTests()
    {
        _keys.AddKey("k1", SecurityHarness.KeyBytes(1));
        _cipher = new EnvelopeCipher(_keys, "mem");
    }

    public static TheoryData<string, int> EnvelopeFields => new()
    {
        { "version", 0 },
        { "key id length", 1 },
        { "key id", 2 },
        { "nonce first byte", 4 },
        { "nonce last byte", 4 + 11 },
        { "ciphertext first byte", 4 + 12 },
        { "ciphertext last byte", 4 + 12 + 4 },
        { "tag first byte", -16 },
        { "tag last byte", -1 },
    };

    [Fact]
    public void SealThenOpen_RoundTrips_AndTheEnvelopeHasTheDocumentedLayout()
    {
        var plaintext = "hello"u8.ToArray();

        var envelope = _cipher.Seal("user:1", null, plaintext);

        envelope.Length.Should().Be(1 + 1 + 2 + 12 + plaintext.Length + 16);
        envelope[0].Should().Be(EnvelopeCipher.Version);
        envelope[1].Should().Be(2);
        Encoding.ASCII.GetString(envelope, 2, 2).Should().Be("k1");
        envelope.AsSpan(16, 5).SequenceEqual(plaintext).Should().BeFalse("the value is encrypted");
        _cipher.Open("user:1", null, envelope, out var keyId).Should().Equal(plaintext);
        keyId.Should().Be("k1");
    }

    [Fact]
    public void Seal_SameValueTwice_UsesAFreshNonceEachTime()
    {
        var a = _cipher.Seal("k", null, "same"u8);
        var b = _cipher.Seal("k", null, "same"u8);

        a.AsSpan(4, 12).SequenceEqual(b.AsSpan(4, 12)).Should().BeFalse();
        a.Should().NotEqual(b);
    }

    [Fact]
    public void Seal_ManyValuesOnManyThreads_NeverRepeatsANonce()
    {
        var nonces = new System.Collections.Concurrent.ConcurrentDictionary<string, byte>();

        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            var envelope = _cipher.Seal("k", null, "v"u8);
            nonces.TryAdd(Convert.ToHexString(envelope, 4, 12), 0).Should().BeTrue();
        });

        nonces.Should().HaveCount(20_000);
    }

    [Fact]
    public void Seal_EmptyValue_RoundTrips()
    {
        _cipher.Open("k", null, _cipher.Seal("k", null, []), out _).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(EnvelopeFields))]
    public void Open_AnyFlippedByte_ThrowsMemorySecurityException(string field, int offset)
    {
        var envelope = _cipher.Seal("user:1", null, "sensitive"u8);
        var index = offset >= 0 ? offset : envelope.Length + offset;
        envelope[index] ^= 0x01;

        var act = () => _cipher.Open("user:1", null, envelope, out _);

        act.Should().Throw<MemorySecurityException>(because: $"the {field} was changed");
    }

    [Fact]
    public void Open_EveryByteFlipped_AlwaysThrows()
    {
        var original = _cipher.Seal("user:1", "h:f", "a longer sensitive value"u8);
        for (var i = 0; i < original.Length; i++)
        {
            var envelope = (byte[])original.Clone();
            envelope[i] ^= 0x80;
            var act = () => _cipher.Open("user:1", "h:f", envelope, out _);
            act.Should().Throw<MemorySecurityException>($"byte {i} was flipped");
        }
    }

    [Fact]
    public void Open_TruncatedEnvelope_Throws()
    {
        var envelope = _cipher.Seal("k", null, "x"u8);

        for (var length = 0; length < envelope.Length; length++)
        {
            var act = () => _cipher.Open("k", null, envelope.AsSpan(0, length), out _);
            act.Should().Throw<MemorySecurityException>();
        }
    }

    [Theory]
    [InlineData("user:2", null, "mem")]
    [InlineData("user:1", "h:f", "mem")]
    [InlineData("user:1", null, "other-memory")]
    public void Open_UnderAnotherKeyFieldOrMemory_FailsAuthentication(string resource, string? part, string memory)
    {
        var envelope = _cipher.Seal("user:1", null, "secret"u8);
        var cipher = new EnvelopeCipher(_keys, memory);

        var act = () => cipher.Open(resource, part, envelope, out _);

        act.Should().Throw<MemorySecurityException>().Which.Message.Should().Contain("failed authentication");
    }

    [Fact]
    public void Open_RelabelledWithAnotherKnownKeyId_FailsAuthentication()
    {
        var envelope = _cipher.Seal("k", null, "secret"u8);
        _keys.AddKey("k2", SecurityHarness.KeyBytes(2), activate: false);
        envelope[3] = (byte)'2';

        var act = () => _cipher.Open("k", null, envelope, out _);

        act.Should().Throw<MemorySecurityException>();
    }

    [Fact]
    public void Open_UnknownKeyId_SaysSo()
    {
        var envelope = _cipher.Seal("k", null, "secret"u8);
        envelope[3] = (byte)'9';

        var act = () => _cipher.Open("k", null, envelope, out _);

        act.Should().Throw<MemorySecurityException>().Which.Message.Should().Contain("'k9'").And.Contain("does not know");
    }

    [Fact]
    public void Open_AfterRotation_OldEnvelopesStillOpen_NewOnesUseTheNewKey()
    {
        var old = _cipher.Seal("k", null, "v1"u8);
        var rotated = _keys.RotateKey();

        var fresh = _cipher.Seal("k", null, "v2"u8);

        EnvelopeCipher.ReadKeyId(fresh).Should().Be(rotated.KeyId);
        _cipher.Open("k", null, old, out var oldKey).Should().Equal("v1"u8.ToArray());
        oldKey.Should().Be("k1");
    }

    [Fact]
    public void Open_RetiredKey_FailsWithAClearMessage()
    {
        var old = _cipher.Seal("k", null, "v1"u8);
        _keys.RotateKey();
        _keys.RetireKey("k1");

        var act = () => _cipher.Open("k", null, old, out _);

        act.Should().Throw<MemorySecurityException>().Which.Message.Should().Contain("retired key 'k1'");
    }

    [Fact]
    public void Open_LongResourceAndField_UsesAPooledBufferForTheAssociatedData()
    {
        var resource = new string('r', 1024);
        var part = "h:" + new string('f', 2000);

        _cipher.Open(resource, part, _cipher.Seal(resource, part, "v"u8), out _).Should().Equal("v"u8.ToArray());
    }

    [Fact]
    public void CipherContexts_ArePooledPerKey_AndARetiredKeysPoolIsDrainedWhenItIsMet()
    {
        var old = _cipher.Seal("k", null, "v"u8);
        _cipher.PooledCount("k1").Should().Be(1);
        _keys.RotateKey();
        _cipher.Open("k", null, old, out _);
        _cipher.PooledCount("k1").Should().Be(1);

        _keys.RetireKey("k1");
        var act = () => _cipher.Open("k", null, old, out _);

        act.Should().Throw<MemorySecurityException>();
        _cipher.PooledCount("k1").Should().Be(0);
    }

    [Fact]
    public void SweepRetired_DrainsPoolsOfKeysRetiredSinceTheirLastUse()
    {
        _cipher.Seal("k", null, "v"u8);
        _keys.RotateKey();
        _keys.RetireKey("k1");
        _cipher.PooledCount("k1").Should().Be(1);

        for (var i = 0; i < EnvelopeCipher.SweepInterval; i++)
        {
            _cipher.Seal("k", null, "v"u8);
        }

        _cipher.PooledCount("k1").Should().Be(0);
    }

    [Fact]
    public void Dispose_FreesPooledContexts_AndTheCipherStillWorks()
    {
        var envelope = _cipher.Seal("k", null, "v"u8);

        _cipher.Dispose();

        _cipher.PooledCount("k1").Should().Be(0);
        _cipher.Open("k", null, envelope, out _).Should().Equal("v"u8.ToArray());
        _cipher.PooledCount("k1").Should().Be(0);
    }

    [Fact]
    public void ConcurrentSealAndOpen_WithRotation_AllRoundTrip()
    {
        Parallel.For(0, 4000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            if (i % 1000 == 0)
            {
                _keys.RotateKey();
            }

            var plaintext = BitConverter.GetBytes(i);
            _cipher.Open($"r{i}", null, _cipher.Seal($"r{i}", null, plaintext), out _).Should().Equal(plaintext);
        });
    }

    public void Dispose()
    {
        _cipher.Dispose();
        _keys.Dispose();
    }
}
