using AgentMemory.Security;

namespace AgentMemory.Tests.Security;

public sealed class InProcessKeyProviderTests
{
    [Fact]
    public void AddKey_Activates_AndThePreviousKeyTurnsDecryptOnly()
    {
        using var keys = new InProcessKeyProvider();
        keys.AddKey("a", SecurityHarness.KeyBytes(1));
        keys.AddKey("b", SecurityHarness.KeyBytes(2));

        keys.ActiveKeyId.Should().Be("b");
        keys.GetKeyStatus("a").Should().Be(MemoryKeyStatus.DecryptOnly);
        keys.GetKeyStatus("b").Should().Be(MemoryKeyStatus.Active);
        keys.GetKeyStatus("zzz").Should().Be(MemoryKeyStatus.Unknown);
        keys.GetKeys().Select(k => k.KeyId).Should().Equal("a", "b");
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    public void AddKey_BadId_Throws(string id)
    {
        using var keys = new InProcessKeyProvider();

        var act = () => keys.AddKey(id, SecurityHarness.KeyBytes(1));

        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void AddKey_WrongLengthOrDuplicateId_Throws()
    {
        using var keys = new InProcessKeyProvider();
        keys.AddKey("a", SecurityHarness.KeyBytes(1));

        ((Action)(() => keys.AddKey("b", new byte[16]))).Should().Throw<ArgumentException>().WithMessage("*32 bytes*");
        ((Action)(() => keys.AddKey("a", SecurityHarness.KeyBytes(2)))).Should().Throw<ArgumentException>().WithMessage("*already in use*");
    }

    [Fact]
    public void ReserveEncryption_RotatesAutomaticallyAfterTheLimit()
    {
        using var keys = new InProcessKeyProvider(maxEncryptionsPerKey: 3);
        keys.AddKey("a", SecurityHarness.KeyBytes(1));
        var rotations = new List<MemoryKeyInfo>();
        keys.KeyRotated += (_, info) => rotations.Add(info);

        var ids = Enumerable.Range(0, 7).Select(_ => keys.ReserveEncryption()).ToList();

        ids.Take(3).Should().AllBe("a");
        ids[3].Should().NotBe("a");
        ids.Skip(3).Take(3).Should().AllBe(ids[3]);
        ids[6].Should().NotBe(ids[3]);
        rotations.Select(r => r.KeyId).Should().Equal(ids[3], ids[6]);
        keys.GetKeyStatus("a").Should().Be(MemoryKeyStatus.DecryptOnly);
        keys.GetKeys().Single(k => k.KeyId == "a").EncryptionCount.Should().Be(3);
    }

    [Fact]
    public void ReserveEncryption_FromManyThreads_NeverExceedsTheLimitPerKey()
    {
        using var keys = new InProcessKeyProvider(maxEncryptionsPerKey: 100);
        keys.AddKey("a", SecurityHarness.KeyBytes(1));
        var counts = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();

        Parallel.For(0, 10_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ => counts.AddOrUpdate(keys.ReserveEncryption(), 1, (_, n) => n + 1));

        counts.Values.Sum().Should().Be(10_000);
        counts.Values.Should().OnlyContain(n => n <= 100);
        counts.Count.Should().Be(100);
    }

    [Fact]
    public void RetireKey_ZeroesItsMaterial_AndCopyKeyFailsClearly()
    {
        using var keys = new InProcessKeyProvider();
        keys.AddKey("a", SecurityHarness.KeyBytes(1));
        keys.RotateKey();

        keys.RetireKey("a");

        keys.GetKeyStatus("a").Should().Be(MemoryKeyStatus.Retired);
        var act = () => keys.CopyKey("a", new byte[32]);
        act.Should().Throw<MemorySecurityException>().WithMessage("*retired*");
    }

    [Fact]
    public void RetireKey_ActiveOrUnknown_Throws()
    {
        using var keys = new InProcessKeyProvider();
        keys.AddKey("a", SecurityHarness.KeyBytes(1));

        ((Action)(() => keys.RetireKey("a"))).Should().Throw<MemorySecurityException>().WithMessage("*active key*");
        ((Action)(() => keys.RetireKey("b"))).Should().Throw<MemorySecurityException>().WithMessage("*unknown*");
    }

    [Fact]
    public void NoActiveKey_ThrowsMemorySecurityException()
    {
        using var keys = new InProcessKeyProvider();

        ((Func<string>)(() => keys.ReserveEncryption())).Should().Throw<MemorySecurityException>().WithMessage("*no active key*");
    }

    [Fact]
    public void Dispose_ZeroesKeys_AndLaterUseThrows()
    {
        var keys = new InProcessKeyProvider();
        keys.AddKey("a", SecurityHarness.KeyBytes(1));
        var copy = new byte[32];
        keys.CopyKey("a", copy);
        copy.Should().Equal(SecurityHarness.KeyBytes(1));

        keys.Dispose();

        ((Action)(() => keys.CopyKey("a", copy))).Should().Throw<ObjectDisposedException>();
        ((Func<string>)(() => keys.ActiveKeyId)).Should().Throw<ObjectDisposedException>();
        KeyMaterialOf(keys, "a").Should().OnlyContain(b => b == 0);
    }

    [Fact]
    public void FromBase64_LoadsTheKey_AndRejectsBadInput()
    {
        var base64 = Convert.ToBase64String(SecurityHarness.KeyBytes(7));
        using var keys = InProcessKeyProvider.FromBase64("cfg-1", base64);
        var copy = new byte[32];
        keys.CopyKey("cfg-1", copy);

        copy.Should().Equal(SecurityHarness.KeyBytes(7));
        ((Action)(() => InProcessKeyProvider.FromBase64("x", "not base64!"))).Should().Throw<ArgumentException>();
        ((Action)(() => InProcessKeyProvider.FromBase64("x", Convert.ToBase64String(new byte[16])))).Should().Throw<ArgumentException>();
    }

    // Reads the private key array to prove it was cleared (there is no public way to see key bytes after dispose, by design).
    private static byte[] KeyMaterialOf(InProcessKeyProvider keys, string id)
    {
        var dictionary = (System.Collections.IDictionary)typeof(InProcessKeyProvider).GetField("_keys", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(keys)!;
        var slot = dictionary[id]!;
        return (byte[])slot.GetType().GetProperty("Material")!.GetValue(slot)!;
    }
}
