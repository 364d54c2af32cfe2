using AgentMemory.Storage;

namespace AgentMemory.Tests.Storage;

public sealed class KeyRulesTests
{
    /// <summary>
    /// Keys every write must refuse. Theories take an index into this array: xunit serializes string theory data,
    /// which would turn the unpaired surrogates into U+FFFD before the test sees them.
    /// </summary>
    private static readonly string[] InvalidWriteKeys =
    [
        string.Empty,
        new string('k', MemoryKey.MaxLength + 1),
        "a\0b",
        "\0",
        "lonely\uD800high",
        "lonely\uDC00low",
        "reversed\uDC00\uD800pair",
        "ends-with-high\uD83D",
    ];

    public static TheoryData<int> InvalidWriteKeyIndexes => [.. Enumerable.Range(0, InvalidWriteKeys.Length)];

    [Fact]
    public async Task StoreAsync_NullKey_ThrowsArgumentNullException()
    {
        using var h = new StoreHarness();

        var act = async () => await h.Memory.StoreAsync(null!, 1);

        (await act.Should().ThrowAsync<ArgumentNullException>()).Which.ParamName.Should().Be("key");
    }

    [Theory]
    [MemberData(nameof(InvalidWriteKeyIndexes))]
    public async Task WriteOperations_InvalidKey_ThrowArgumentExceptionAndStoreNothing(int index)
    {
        var key = InvalidWriteKeys[index];
        using var h = new StoreHarness();
        var writes = new Func<Task>[]
        {
            async () => await h.Memory.StoreAsync(key, 1),
            async () => await h.Memory.StoreRawAsync(key, new byte[] { 1 }),
            async () => await h.Ops.IncrementAsync(key),
            async () => await h.Ops.DecrementAsync(key),
            async () => await h.Ops.CompareAndSwapAsync(key, 1, 2),
            async () => await h.Ops.SetHashAsync(key, new Dictionary<string, int> { ["f"] = 1 }),
            async () => await h.Ops.SetHashFieldAsync(key, "f", 1),
            async () => await h.Ops.AppendToListAsync(key, [1]),
        };

        foreach (var write in writes)
        {
            var assertion = await write.Should().ThrowAsync<ArgumentException>();
            assertion.Which.Should().NotBeOfType<ArgumentNullException>();
            assertion.Which.ParamName.Should().Be("key");
        }

        h.Stats().EntryCount.Should().Be(0);
    }

    [Fact]
    public async Task StoreAsync_KeyOfExactlyMaxLength_IsAccepted()
    {
        using var h = new StoreHarness();
        var key = new string('k', MemoryKey.MaxLength);

        await h.Memory.StoreAsync(key, 1);

        (await h.Memory.RetrieveAsync<int>(key)).Should().Be(1);
        (await h.Memory.GetEntryInfoAsync(key))!.SizeBytes.Should().Be((2 * MemoryKey.MaxLength) + 1);
    }

    [Theory]
    [InlineData("emoji-\uD83D\uDE00")]
    [InlineData("\uD83D\uDE00")]
    [InlineData("two\uD83D\uDE00\uD83D\uDE01pairs")]
    [InlineData("ключ-鍵")]
    public async Task StoreAsync_ValidSurrogatePairsAndNonAscii_AreAccepted(string key)
    {
        using var h = new StoreHarness();

        await h.Memory.StoreAsync(key, "v");

        (await h.Memory.RetrieveAsync<string>(key)).Should().Be("v");
        (await h.Memory.ListKeysAsync()).Should().Equal(key);
    }

    [Fact]
    public async Task StoreAsync_KeysDifferingOnlyInCase_AreDistinct()
    {
        using var h = new StoreHarness();

        await h.Memory.StoreAsync("Key", 1);
        await h.Memory.StoreAsync("key", 2);

        (await h.Memory.RetrieveAsync<int>("Key")).Should().Be(1);
        (await h.Memory.RetrieveAsync<int>("key")).Should().Be(2);
    }

    [Fact]
    public async Task ReadOperations_KeyTooLong_FindNothing()
    {
        using var h = new StoreHarness();
        var key = new string('k', MemoryKey.MaxLength + 1);

        (await h.Memory.RetrieveAsync<string>(key)).Should().BeNull();
        (await h.Memory.TryRetrieveAsync<int>(key)).Found.Should().BeFalse();
        (await h.Memory.RetrieveRawAsync(key)).Should().BeNull();
        (await h.Memory.ExistsAsync(key)).Should().BeFalse();
        (await h.Memory.DeleteAsync(key)).Should().BeFalse();
        (await h.Memory.GetMetadataAsync(key)).Should().BeNull();
        (await h.Memory.GetEntryInfoAsync(key)).Should().BeNull();
        (await h.Memory.UpdateMetadataAsync(key, new Dictionary<string, MetadataValue> { ["a"] = 1 })).Should().BeFalse();
        (await h.Ops.GetHashAsync<int>(key)).Should().BeEmpty();
        (await h.Ops.GetListAsync<int>(key)).Should().BeEmpty();
        (await h.Ops.DeleteHashFieldAsync(key, "f")).Should().BeFalse();
        (await h.Ops.RetrieveManyAsync<int>([key])).Should().BeEmpty();
        (await h.Ops.DeleteManyAsync([key])).Should().Be(0);
        (await h.Memory.ListKeysAsync(key)).Should().BeEmpty();
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(7)]
    public async Task ReadOperations_KeyThatCannotBeWritten_FindNothing(int index)
    {
        var key = InvalidWriteKeys[index];
        using var h = new StoreHarness();

        (await h.Memory.ExistsAsync(key)).Should().BeFalse();
        (await h.Memory.RetrieveAsync<string>(key)).Should().BeNull();
        (await h.Memory.DeleteAsync(key)).Should().BeFalse();
    }

    [Fact]
    public async Task ReadOperations_NullOrEmptyKey_Throw()
    {
        using var h = new StoreHarness();

        await ((Func<Task>)(async () => await h.Memory.RetrieveAsync<int>(null!))).Should().ThrowAsync<ArgumentNullException>();
        await ((Func<Task>)(async () => await h.Memory.ExistsAsync(null!))).Should().ThrowAsync<ArgumentNullException>();
        await ((Func<Task>)(async () => await h.Memory.DeleteAsync(null!))).Should().ThrowAsync<ArgumentNullException>();
        await ((Func<Task>)(async () => await h.Memory.RetrieveAsync<int>(string.Empty))).Should().ThrowAsync<ArgumentException>();
        await ((Func<Task>)(async () => await h.Memory.ExistsAsync(string.Empty))).Should().ThrowAsync<ArgumentException>();
        await ((Func<Task>)(async () => await h.Memory.GetEntryInfoAsync(string.Empty))).Should().ThrowAsync<ArgumentException>();
        await ((Func<Task>)(async () => await h.Ops.GetListAsync<int>(string.Empty))).Should().ThrowAsync<ArgumentException>();
        await ((Func<Task>)(async () => await h.Ops.RetrieveManyAsync<int>(["ok", string.Empty]))).Should().ThrowAsync<ArgumentException>();
        await ((Func<Task>)(async () => await h.Ops.DeleteManyAsync(["ok", null!]))).Should().ThrowAsync<ArgumentNullException>();
    }

    [Fact]
    public void ValidateForWrite_TooLongKey_MessageNamesTheLimit()
    {
        var act = () => KeyRules.ValidateForWrite(new string('k', 2000));

        act.Should().Throw<ArgumentException>().WithMessage($"*{MemoryKey.MaxLength}*2000*");
    }
}
