using System.Text;
using AgentMemory.Security;

namespace AgentMemory.Tests.Security;

public sealed record SecretProfile(string Name, string Ssn, int Score);

public sealed class SecuredStoreEncryptionTests : IDisposable
{
    private readonly SecurityHarness _h = new(o =>
    {
        o.EncryptedKeyPatterns.Add("secret:*");
        o.EnableAccessControl = false;
    });

    private static readonly SecretProfile Profile = new("Ada", "123-45-6789", 750);

    [Fact]
    public async Task StoreAsync_UnderAPolicy_InnerStoreHoldsOnlyAnEnvelope_AndReadsDecrypt()
    {
        await _h.Store.StoreAsync("secret:1", Profile);

        var raw = (await _h.Inner.RetrieveRawAsync("secret:1"))!.Value.ToArray();
        Encoding.UTF8.GetString(raw).Should().NotContain("123-45-6789").And.NotContain("Ada");
        var envelope = await _h.Inner.RetrieveAsync<byte[]>("secret:1");
        EnvelopeCipher.ReadKeyId(envelope!).Should().Be("k1");
        (await _h.Store.RetrieveAsync<SecretProfile>("secret:1")).Should().Be(Profile);
        (await _h.Store.TryRetrieveAsync<SecretProfile>("secret:1")).Value.Should().Be(Profile);
    }

    [Fact]
    public async Task StoreAsync_OutsideEveryPolicy_IsStoredInTheClear()
    {
        await _h.Store.StoreAsync("public:1", "hello");

        (await _h.Inner.RetrieveAsync<string>("public:1")).Should().Be("hello");
    }

    [Fact]
    public async Task RawValues_AreEncrypted_AndRetrieveRawReturnsThePlaintextBytes()
    {
        var bytes = _h.Security.Serializer.Serialize(Profile);

        await _h.Store.StoreRawAsync("secret:raw", bytes);

        (await _h.Inner.RetrieveRawAsync("secret:raw"))!.Value.ToArray().Should().NotEqual(bytes);
        (await _h.Store.RetrieveRawAsync("secret:raw"))!.Value.ToArray().Should().Equal(bytes);
        (await _h.Store.RetrieveAsync<SecretProfile>("secret:raw")).Should().Be(Profile);
        (await _h.Store.RetrieveRawAsync("secret:absent")).Should().BeNull();
        (await _h.Store.RetrieveAsync<SecretProfile>("secret:absent")).Should().BeNull();
    }

    [Fact]
    public async Task HashesListsBatchesAndMultiReads_AreEncryptedPerItem()
    {
        await _h.Store.SetHashAsync("secret:h", new Dictionary<string, string> { ["a"] = "alpha", ["b"] = "beta" });
        await _h.Store.SetHashFieldAsync("secret:h", "c", "gamma");
        await _h.Store.AppendToListAsync("secret:l", ["one", "two", "three"]);
        var batch = await _h.Store.ExecuteBatchAsync([MemoryBatchOperation.Store("secret:b1", 41), MemoryBatchOperation.Store("plain:b2", 42)]);

        batch.AllSucceeded.Should().BeTrue();
        (await _h.Inner.GetHashAsync<byte[]>("secret:h")).Should().HaveCount(3);
        (await _h.Inner.GetListAsync<byte[]>("secret:l")).Should().HaveCount(3);
        (await _h.Inner.RetrieveAsync<byte[]>("secret:b1")).Should().NotBeNull();
        (await _h.Store.GetHashAsync<string>("secret:h")).Should().BeEquivalentTo(new Dictionary<string, string> { ["a"] = "alpha", ["b"] = "beta", ["c"] = "gamma" });
        (await _h.Store.GetHashFieldAsync<string>("secret:h", "b")).Value.Should().Be("beta");
        (await _h.Store.GetHashFieldAsync<string>("secret:h", "zz")).Found.Should().BeFalse();
        (await _h.Store.GetListAsync<string>("secret:l")).Should().Equal("one", "two", "three");
        (await _h.Store.GetListRangeAsync<string>("secret:l", 1..)).Should().Equal("two", "three");
        (await _h.Store.RetrieveManyAsync<int>(["secret:b1", "plain:b2", "secret:none"])).Should().BeEquivalentTo(new Dictionary<string, int> { ["secret:b1"] = 41, ["plain:b2"] = 42 });
    }

    [Fact]
    public async Task HashField_MovedToAnotherField_FailsAuthentication()
    {
        await _h.Store.SetHashAsync("secret:h", new Dictionary<string, string> { ["salary"] = "1", ["bonus"] = "2" });
        var salary = (await _h.Inner.GetHashFieldAsync<byte[]>("secret:h", "salary")).Value!;
        await _h.Inner.SetHashFieldAsync("secret:h", "bonus", salary);

        var act = async () => await _h.Store.GetHashFieldAsync<string>("secret:h", "bonus");

        await act.Should().ThrowAsync<MemorySecurityException>();
    }

    [Fact]
    public async Task CompareAndSwap_OnEncryptedValue_ComparesPlaintexts_AndKeepsTheTtl()
    {
        await _h.Store.StoreAsync("secret:cas", 1, new MemoryEntryOptions { Ttl = TimeSpan.FromHours(1) });

        (await _h.Store.CompareAndSwapAsync("secret:cas", 2, 3)).Should().BeFalse();
        (await _h.Store.CompareAndSwapAsync("secret:cas", 1, 5)).Should().BeTrue();
        (await _h.Store.CompareAndSwapAsync("secret:absent", 1, 5)).Should().BeFalse();

        (await _h.Store.RetrieveAsync<int>("secret:cas")).Should().Be(5);
        (await _h.Store.GetEntryInfoAsync("secret:cas"))!.ExpiresAt.Should().Be(SecurityHarness.Epoch.AddHours(1));
    }

    [Fact]
    public async Task CompareAndSwap_ConcurrentIncrementsThroughCas_LoseNoUpdate()
    {
        await _h.Store.StoreAsync("secret:n", 0);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                while (true)
                {
                    var current = await _h.Store.RetrieveAsync<int>("secret:n");
                    if (await _h.Store.CompareAndSwapAsync("secret:n", current, current + 1))
                    {
                        break;
                    }
                }
            }
        })));

        (await _h.Store.RetrieveAsync<int>("secret:n")).Should().Be(200);
    }

    [Fact]
    public async Task Counters_UnderAnEncryptedKey_AreRefusedClearly()
    {
        var act = async () => await _h.Store.IncrementAsync("secret:counter");

        (await act.Should().ThrowAsync<MemorySecurityException>()).Which.Message.Should().Contain("counters cannot be encrypted");
        (await _h.Store.IncrementAsync("plain:counter", 2)).Should().Be(2);
    }

    [Fact]
    public async Task Envelope_CopiedToAnotherKey_FailsToDecrypt_AndIsAuditedAsTampering()
    {
        await _h.Store.StoreAsync("secret:alice", "alice's secret");
        await _h.Store.StoreAsync("secret:bob", "bob's secret");
        var alice = await _h.Inner.RetrieveAsync<byte[]>("secret:alice");
        await _h.Inner.StoreAsync("secret:bob", alice);

        var act = async () => await _h.Store.RetrieveAsync<string>("secret:bob");

        await act.Should().ThrowAsync<MemorySecurityException>();
        (await _h.AuditEntriesAsync()).Should().Contain(e => e.Record.Result == MemoryAuditResult.TamperDetected && e.Record.Resource == "secret:bob");
    }

    [Fact]
    public async Task StoredEnvelope_WithAFlippedByte_ThrowsInsteadOfReturningGarbage()
    {
        await _h.Store.StoreAsync("secret:x", "value");
        var envelope = (await _h.Inner.RetrieveAsync<byte[]>("secret:x"))!;
        envelope[^3] ^= 0x10;
        await _h.Inner.StoreAsync("secret:x", envelope);

        var act = async () => await _h.Store.RetrieveAsync<string>("secret:x");

        await act.Should().ThrowAsync<MemorySecurityException>();
    }

    [Fact]
    public async Task PlainValue_UnderAPolicy_IsRejected_NotPassedThrough()
    {
        await _h.Inner.StoreAsync("secret:legacy", "written before the policy");

        var act = async () => await _h.Store.RetrieveAsync<string>("secret:legacy");

        await act.Should().ThrowAsync<MemoryException>();
    }

    [Fact]
    public async Task Rotation_OldValuesStillRead_NewWritesUseTheNewKey_ReEncryptionMovesEverything_ThenTheOldKeyCanBeRetired()
    {
        await _h.Store.StoreAsync("secret:v", "old value", new MemoryEntryOptions { Ttl = TimeSpan.FromHours(2) });
        await _h.Store.SetHashAsync("secret:h", new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 });
        await _h.Store.StoreAsync("public:p", "plain");
        var next = _h.Keys.RotateKey();
        await _h.Store.StoreAsync("secret:w", "new value");

        (await _h.Store.RetrieveAsync<string>("secret:v")).Should().Be("old value");
        EnvelopeCipher.ReadKeyId((await _h.Inner.RetrieveAsync<byte[]>("secret:w"))!).Should().Be(next.KeyId);

        var moved = await _h.Security.ReEncryptAsync();

        moved.Should().Be(3);
        EnvelopeCipher.ReadKeyId((await _h.Inner.RetrieveAsync<byte[]>("secret:v"))!).Should().Be(next.KeyId);
        (await _h.Inner.GetHashAsync<byte[]>("secret:h")).Values.Select(e => EnvelopeCipher.ReadKeyId(e)).Should().AllBe(next.KeyId);
        (await _h.Inner.GetEntryInfoAsync("secret:v"))!.ExpiresAt.Should().Be(SecurityHarness.Epoch.AddHours(2), "re-encryption keeps the TTL");
        _h.Keys.RetireKey("k1");
        (await _h.Store.RetrieveAsync<string>("secret:v")).Should().Be("old value");
        (await _h.Store.GetHashAsync<int>("secret:h")).Should().BeEquivalentTo(new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 });
        (await _h.Security.ReEncryptAsync()).Should().Be(0);
    }

    [Fact]
    public async Task ReEncrypt_ListUnderAnOldKey_IsReported_NotSilentlyLeft()
    {
        await _h.Store.AppendToListAsync("secret:list", ["a"]);
        _h.Keys.RotateKey();

        var act = async () => await _h.Security.ReEncryptAsync();

        (await act.Should().ThrowAsync<MemorySecurityException>()).Which.Message.Should().Contain("secret:list");
    }

    [Fact]
    public async Task RetiredKey_ReadFails_AndIsAuditedAsRetiredKeyUse()
    {
        await _h.Store.StoreAsync("secret:v", "old value");
        _h.Keys.RotateKey();
        _h.Keys.RetireKey("k1");

        var act = async () => await _h.Store.RetrieveAsync<string>("secret:v");

        (await act.Should().ThrowAsync<MemorySecurityException>()).Which.Message.Should().Contain("retired key 'k1'");
        (await _h.AuditEntriesAsync()).Should().Contain(e => e.Record.Result == MemoryAuditResult.RetiredKeyUsed && e.Record.Resource == "secret:v");
    }

    [Fact]
    public async Task AutomaticRotation_AfterTheConfiguredCount_KeepsEveryValueReadable()
    {
        using var h = new SecurityHarness(o => { o.EncryptedKeyPatterns.Add("*"); o.EnableAccessControl = false; }, maxEncryptionsPerKey: 5);

        for (var i = 0; i < 23; i++)
        {
            await h.Store.StoreAsync($"k{i}", i);
        }

        h.Keys.GetKeys().Should().HaveCount(5);
        for (var i = 0; i < 23; i++)
        {
            (await h.Store.RetrieveAsync<int>($"k{i}")).Should().Be(i);
        }
    }

    [Fact]
    public async Task EncryptAsyncAndDecryptAsync_BindTheValueToItsResource()
    {
        var sealedValue = await _h.Security.EncryptAsync("user:12345:sensitive", Profile);

        sealedValue.KeyId.Should().Be("k1");
        (await _h.Security.DecryptAsync<SecretProfile>("user:12345:sensitive", sealedValue)).Should().Be(Profile);
        var act = async () => await _h.Security.DecryptAsync<SecretProfile>("user:99999:sensitive", sealedValue);
        await act.Should().ThrowAsync<MemorySecurityException>();
    }

    [Fact]
    public async Task ValueLargerThanTheBound_IsRejectedBeforeEncryption()
    {
        using var h = new SecurityHarness(o => { o.EncryptedKeyPatterns.Add("*"); o.EnableAccessControl = false; o.MaxValueBytes = 100; });

        var act = async () => await h.Store.StoreRawAsync("big", new byte[101]);

        await act.Should().ThrowAsync<MemoryCapacityException>().WithMessage("*MaxValueBytes*");
        (await h.Inner.ExistsAsync("big")).Should().BeFalse();
    }

    public void Dispose() => _h.Dispose();
}
