using AgentMemory.Security;
using AgentMemory.Serialization;

namespace AgentMemory.Tests.Security;

public sealed class HardeningTests : IDisposable
{
    private readonly SecurityHarness _h = new(o =>
    {
        o.EncryptedKeyPatterns.Add("secret:*");
        o.EnableAccessControl = false;
        o.MaxBatchSize = 10;
        o.MaxPatternLength = 64;
    });

    /// <summary>10,000 nested one-element arrays around a nil: far deeper than any real value.</summary>
    private static byte[] DeeplyNested(int depth = 10_000)
    {
        var payload = new byte[depth + 1];
        payload.AsSpan(0, depth).Fill(0x91);
        payload[depth] = 0xc0;
        return payload;
    }

    [Fact]
    public void MessagePackSerializer_PayloadNested10000Deep_IsRejectedWithAClearException()
    {
        var act = () => MessagePackMemorySerializer.Default.Deserialize<object>(DeeplyNested());

        var ex = act.Should().Throw<MemorySerializationException>().Which;
        ex.Message.Should().Contain("exceeds the maximum depth allowed of 500");
        ex.GetBaseException().Should().BeOfType<InsufficientExecutionStackException>();
    }

    [Fact]
    public async Task DeeplyNestedValue_ReadThroughThePlainAndTheEncryptedPath_IsRejected()
    {
        await _h.Store.StoreRawAsync("plain:deep", DeeplyNested());
        await _h.Store.StoreRawAsync("secret:deep", DeeplyNested());

        var plain = async () => await _h.Store.RetrieveAsync<object>("plain:deep");
        var encrypted = async () => await _h.Store.RetrieveAsync<object>("secret:deep");

        await plain.Should().ThrowAsync<MemorySerializationException>();
        await encrypted.Should().ThrowAsync<MemorySerializationException>();
    }

    [Fact]
    public async Task Keys_LongerThanTheFoundationLimit_AreRejectedBeforeAnythingIsAudited()
    {
        var before = _h.Audit.Count;

        var act = async () => await _h.Store.StoreAsync(new string('k', MemoryKey.MaxLength + 1), 1);

        await act.Should().ThrowAsync<ArgumentException>().WithMessage($"*at most {MemoryKey.MaxLength}*");
        _h.Audit.Count.Should().Be(before);
    }

    [Fact]
    public async Task Patterns_LongerThanTheBound_AreRejected()
    {
        var pattern = new string('a', 65) + "*";

        var list = async () => await _h.Store.ListKeysAsync(pattern);
        var grant = async () => await _h.Security.GrantAccessAsync("agent", pattern, MemoryAction.Read);
        var reEncrypt = async () => await _h.Security.ReEncryptAsync(pattern);

        await list.Should().ThrowAsync<ArgumentException>().WithMessage("*at most 64*");
        await grant.Should().ThrowAsync<ArgumentException>().WithMessage("*at most 64*");
        await reEncrypt.Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task Batches_LargerThanTheBound_AreRejectedWhole()
    {
        var ops = Enumerable.Range(0, 11).Select(i => MemoryBatchOperation.Store($"k{i}", i));
        var keys = Enumerable.Range(0, 11).Select(i => $"k{i}");

        var batch = async () => await _h.Store.ExecuteBatchAsync(ops);
        var many = async () => await _h.Store.RetrieveManyAsync<int>(keys);
        var deleteMany = async () => await _h.Store.DeleteManyAsync(keys);

        await batch.Should().ThrowAsync<ArgumentException>().WithMessage("*MaxBatchSize*");
        await many.Should().ThrowAsync<ArgumentException>();
        await deleteMany.Should().ThrowAsync<ArgumentException>();
        (await _h.Inner.ExistsAsync("k0")).Should().BeFalse();
    }

    [Fact]
    public async Task NullArguments_AreArgumentExceptions()
    {
        await ((Func<Task>)(async () => await _h.Store.RetrieveManyAsync<int>(["a", null!]))).Should().ThrowAsync<ArgumentNullException>();
        await ((Func<Task>)(async () => await _h.Store.ExecuteBatchAsync(null!))).Should().ThrowAsync<ArgumentNullException>();
        await ((Func<Task>)(async () => await _h.Store.RetrieveAsync<int>(null!))).Should().ThrowAsync<ArgumentNullException>();
        await ((Func<Task>)(async () => await _h.Store.RetrieveAsync<int>(""))).Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public void Options_OutOfRangeBounds_AreReported()
    {
        var options = new MemorySecurityOptions { MaxBatchSize = 0, MaxValueBytes = 0, MaxPatternLength = MemoryKey.MaxLength + 1, MemoryName = "" };

        options.Validate().Should().HaveCount(4);
    }

    [Fact]
    public void Principal_InvalidIds_AreRejected()
    {
        ((Action)(() => _ = new MemoryPrincipal(""))).Should().Throw<ArgumentException>();
        ((Action)(() => _ = new MemoryPrincipal("role:admin"))).Should().Throw<ArgumentException>().WithMessage("*role:*");
        ((Action)(() => _ = new MemoryPrincipal(new string('p', 257)))).Should().Throw<ArgumentException>();
        ((Action)(() => _ = new MemoryPrincipal("ok", [""]))).Should().Throw<ArgumentException>();
        new MemoryPrincipal("a", ["x", "y"]).Should().Be(new MemoryPrincipal("a", ["y", "x"]));
    }

    public void Dispose() => _h.Dispose();
}
