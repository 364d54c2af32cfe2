namespace AgentMemory.Tests.Storage;

public sealed class InMemoryStoreCollectionsTests
{
    [Fact]
    public async Task SetHashFieldAsync_ReturnsTrueWhenAddedAndFalseWhenOverwritten()
    {
        using var h = new StoreHarness();

        (await h.Ops.SetHashFieldAsync("h", "a", 1)).Should().BeTrue();
        (await h.Ops.SetHashFieldAsync("h", "b", 2)).Should().BeTrue();
        (await h.Ops.SetHashFieldAsync("h", "a", 10)).Should().BeFalse();

        (await h.Ops.GetHashAsync<int>("h")).Should().Equal(new Dictionary<string, int> { ["a"] = 10, ["b"] = 2 });
        (await h.Ops.GetHashLengthAsync("h")).Should().Be(2);
        var info = (await h.Memory.GetEntryInfoAsync("h"))!;
        info.Kind.Should().Be(MemoryEntryKind.Hash);
        info.Length.Should().Be(2);
    }

    [Fact]
    public async Task GetHashFieldAsync_DistinguishesMissingFieldMissingKeyAndStoredDefault()
    {
        using var h = new StoreHarness();
        await h.Ops.SetHashFieldAsync("h", "zero", 0);

        var stored = await h.Ops.GetHashFieldAsync<int>("h", "zero");
        var missingField = await h.Ops.GetHashFieldAsync<int>("h", "other");
        var missingKey = await h.Ops.GetHashFieldAsync<int>("absent", "zero");

        stored.Found.Should().BeTrue();
        stored.Value.Should().Be(0);
        missingField.Found.Should().BeFalse();
        missingKey.Found.Should().BeFalse();
    }

    [Fact]
    public async Task DeleteHashFieldAsync_LastField_RemovesTheKey()
    {
        using var h = new StoreHarness();
        await h.Ops.SetHashFieldAsync("h", "a", 1);
        await h.Ops.SetHashFieldAsync("h", "b", 2);

        (await h.Ops.DeleteHashFieldAsync("h", "a")).Should().BeTrue();
        (await h.Ops.DeleteHashFieldAsync("h", "a")).Should().BeFalse();
        (await h.Memory.ExistsAsync("h")).Should().BeTrue();
        (await h.Ops.DeleteHashFieldAsync("h", "b")).Should().BeTrue();

        (await h.Memory.ExistsAsync("h")).Should().BeFalse();
        (await h.Ops.GetHashAsync<int>("h")).Should().BeEmpty();
        (await h.Ops.GetHashLengthAsync("h")).Should().Be(0);
        (await h.Ops.DeleteHashFieldAsync("h", "b")).Should().BeFalse();
        h.Stats().EntryCount.Should().Be(0);
        h.Stats().BytesUsed.Should().Be(0);
    }

    [Fact]
    public async Task SetHashAsync_ReplacesWhateverTheKeyHeldAndAppliesOptions()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("k", "value");
        var metadata = new Dictionary<string, MetadataValue> { ["m"] = 1 };

        await h.Ops.SetHashAsync("k", new Dictionary<string, string> { ["x"] = "1", ["y"] = "2" }, new MemoryEntryOptions { Priority = MemoryPriority.High, Metadata = metadata });

        (await h.Ops.GetHashAsync<string>("k")).Should().Equal(new Dictionary<string, string> { ["x"] = "1", ["y"] = "2" });
        (await h.Memory.GetEntryInfoAsync("k"))!.Priority.Should().Be(MemoryPriority.High);
        (await h.Memory.GetMetadataAsync("k")).Should().Equal(metadata);

        await h.Ops.SetHashAsync("k", new Dictionary<string, string> { ["z"] = "3" });
        (await h.Ops.GetHashAsync<string>("k")).Should().Equal(new Dictionary<string, string> { ["z"] = "3" });
    }

    [Fact]
    public async Task SetHashAsync_EmptyMap_DeletesTheKey()
    {
        using var h = new StoreHarness();
        await h.Ops.SetHashFieldAsync("h", "a", 1);
        await h.Memory.StoreAsync("v", 1);

        await h.Ops.SetHashAsync("h", new Dictionary<string, int>());
        await h.Ops.SetHashAsync("v", new Dictionary<string, int>());

        (await h.Memory.ExistsAsync("h")).Should().BeFalse();
        (await h.Memory.ExistsAsync("v")).Should().BeFalse();
        h.Stats().EntryCount.Should().Be(0);
    }

    [Fact]
    public async Task HashOperations_NullFieldName_ThrowArgumentNullException()
    {
        using var h = new StoreHarness();

        await ((Func<Task>)(async () => await h.Ops.SetHashFieldAsync("h", null!, 1))).Should().ThrowAsync<ArgumentNullException>();
        await ((Func<Task>)(async () => await h.Ops.GetHashFieldAsync<int>("h", null!))).Should().ThrowAsync<ArgumentNullException>();
        await ((Func<Task>)(async () => await h.Ops.DeleteHashFieldAsync("h", null!))).Should().ThrowAsync<ArgumentNullException>();
        await ((Func<Task>)(async () => await h.Ops.SetHashAsync<int>("h", null!))).Should().ThrowAsync<ArgumentNullException>();
    }

    [Fact]
    public async Task GetHashAsync_ReturnsAFreshMap()
    {
        using var h = new StoreHarness();
        await h.Ops.SetHashFieldAsync("h", "a", 1);

        var first = await h.Ops.GetHashAsync<int>("h");
        ((IDictionary<string, int>)first)["b"] = 2;

        (await h.Ops.GetHashAsync<int>("h")).Should().Equal(new Dictionary<string, int> { ["a"] = 1 });
    }

    [Fact]
    public async Task GetHashAsync_FieldOfAnotherType_ThrowsSerializationException()
    {
        using var h = new StoreHarness();
        await h.Ops.SetHashFieldAsync("h", "a", 1);
        await h.Ops.SetHashFieldAsync("h", "b", "text");

        var act = async () => await h.Ops.GetHashAsync<int>("h");

        (await act.Should().ThrowAsync<MemorySerializationException>()).Which.Message.Should().Contain("'b'");
    }

    [Fact]
    public async Task AppendToListAsync_ReturnsTheNewLengthAndKeepsOrder()
    {
        using var h = new StoreHarness();

        (await h.Ops.AppendToListAsync("l", ["a"])).Should().Be(1);
        (await h.Ops.AppendToListAsync("l", ["b", "c"])).Should().Be(3);
        (await h.Ops.AppendToListAsync("l", Array.Empty<string>())).Should().Be(3);

        (await h.Ops.GetListAsync<string>("l")).Should().Equal("a", "b", "c");
        (await h.Ops.GetListLengthAsync("l")).Should().Be(3);
        var info = (await h.Memory.GetEntryInfoAsync("l"))!;
        info.Kind.Should().Be(MemoryEntryKind.List);
        info.Length.Should().Be(3);
    }

    [Fact]
    public async Task AppendToListAsync_NothingToAbsentKey_CreatesNothing()
    {
        using var h = new StoreHarness();

        (await h.Ops.AppendToListAsync("l", Array.Empty<int>())).Should().Be(0);

        (await h.Memory.ExistsAsync("l")).Should().BeFalse();
    }

    [Fact]
    public async Task AppendToListAsync_EnumeratesItsInputOnce()
    {
        using var h = new StoreHarness();
        var enumerations = 0;
        IEnumerable<int> Items()
        {
            enumerations++;
            yield return 1;
            yield return 2;
        }

        (await h.Ops.AppendToListAsync("l", Items())).Should().Be(2);

        enumerations.Should().Be(1);
    }

    [Theory]
    [InlineData(0, 5, new[] { 0, 1, 2, 3, 4 })]
    [InlineData(1, 3, new[] { 1, 2 })]
    [InlineData(3, 100, new[] { 3, 4 })]
    [InlineData(5, 6, new int[0])]
    [InlineData(4, 2, new int[0])]
    [InlineData(2, 2, new int[0])]
    public async Task GetListRangeAsync_FromStart_ClampsLikeLRange(int start, int end, int[] expected)
    {
        using var h = new StoreHarness();
        await h.Ops.AppendToListAsync("l", [0, 1, 2, 3, 4]);

        (await h.Ops.GetListRangeAsync<int>("l", start..end)).Should().Equal(expected);
    }

    [Fact]
    public async Task GetListRangeAsync_FromEndIndices_SelectTheTail()
    {
        using var h = new StoreHarness();
        await h.Ops.AppendToListAsync("l", [0, 1, 2, 3, 4]);

        (await h.Ops.GetListRangeAsync<int>("l", ^3..)).Should().Equal(2, 3, 4);
        (await h.Ops.GetListRangeAsync<int>("l", ..^1)).Should().Equal(0, 1, 2, 3);
        (await h.Ops.GetListRangeAsync<int>("l", 1..^1)).Should().Equal(1, 2, 3);
        (await h.Ops.GetListRangeAsync<int>("l", ^2..^1)).Should().Equal(3);
        (await h.Ops.GetListRangeAsync<int>("l", ^10..2)).Should().Equal(0, 1);
        (await h.Ops.GetListRangeAsync<int>("l", ^10..^8)).Should().BeEmpty();
        (await h.Ops.GetListRangeAsync<int>("l", ^0..)).Should().BeEmpty();
        (await h.Ops.GetListRangeAsync<int>("l", ^1..^3)).Should().BeEmpty();
        (await h.Ops.GetListRangeAsync<int>("l", ..)).Should().Equal(0, 1, 2, 3, 4);
        (await h.Ops.GetListRangeAsync<int>("absent", ..)).Should().BeEmpty();
    }

    [Fact]
    public async Task GetListAsync_ItemOfAnotherType_ThrowsSerializationExceptionNamingTheIndex()
    {
        using var h = new StoreHarness();
        await h.Ops.AppendToListAsync("l", [1, 2]);
        await h.Ops.AppendToListAsync("l", ["three"]);

        var act = async () => await h.Ops.GetListAsync<int>("l");

        (await act.Should().ThrowAsync<MemorySerializationException>()).Which.Message.Should().Contain("index 2");
        (await h.Ops.GetListRangeAsync<int>("l", ..2)).Should().Equal(1, 2);
    }

    [Fact]
    public async Task ValueHashAndList_OperationsOfTheWrongKind_ThrowTypeMismatchAndChangeNothing()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("v", "value");
        await h.Ops.SetHashFieldAsync("h", "f", 1);
        await h.Ops.AppendToListAsync("l", [1]);
        var bytesBefore = h.Stats().BytesUsed;

        var wrong = new (string Name, Func<Task> Call)[]
        {
            ("retrieve hash", async () => await h.Memory.RetrieveAsync<int>("h")),
            ("retrieve list", async () => await h.Memory.RetrieveAsync<int>("l")),
            ("try-retrieve list", async () => await h.Memory.TryRetrieveAsync<int>("l")),
            ("raw hash", async () => await h.Memory.RetrieveRawAsync("h")),
            ("get hash of value", async () => await h.Ops.GetHashAsync<int>("v")),
            ("get hash of list", async () => await h.Ops.GetHashAsync<int>("l")),
            ("hash field of value", async () => await h.Ops.GetHashFieldAsync<int>("v", "f")),
            ("set field on value", async () => await h.Ops.SetHashFieldAsync("v", "f", 1)),
            ("set field on list", async () => await h.Ops.SetHashFieldAsync("l", "f", 1)),
            ("delete field on list", async () => await h.Ops.DeleteHashFieldAsync("l", "f")),
            ("hash length of value", async () => await h.Ops.GetHashLengthAsync("v")),
            ("get list of value", async () => await h.Ops.GetListAsync<int>("v")),
            ("get list of hash", async () => await h.Ops.GetListAsync<int>("h")),
            ("range of hash", async () => await h.Ops.GetListRangeAsync<int>("h", ..)),
            ("append to value", async () => await h.Ops.AppendToListAsync("v", [1])),
            ("append to hash", async () => await h.Ops.AppendToListAsync("h", [1])),
            ("append nothing to hash", async () => await h.Ops.AppendToListAsync("h", Array.Empty<int>())),
            ("list length of hash", async () => await h.Ops.GetListLengthAsync("h")),
        };

        foreach (var (name, call) in wrong)
        {
            await call.Should().ThrowAsync<MemoryTypeMismatchException>(name);
        }

        (await h.Memory.RetrieveAsync<string>("v")).Should().Be("value");
        (await h.Ops.GetHashAsync<int>("h")).Should().Equal(new Dictionary<string, int> { ["f"] = 1 });
        (await h.Ops.GetListAsync<int>("l")).Should().Equal(1);
        h.Stats().BytesUsed.Should().Be(bytesBefore);
    }

    [Fact]
    public async Task StoreAsync_OverHashOrList_ReplacesItWithAValue()
    {
        using var h = new StoreHarness();
        await h.Ops.SetHashFieldAsync("h", "f", 1);
        await h.Ops.AppendToListAsync("l", [1]);

        await h.Memory.StoreAsync("h", "now a value");
        await h.Memory.StoreAsync("l", "now a value");

        (await h.Memory.RetrieveAsync<string>("h")).Should().Be("now a value");
        (await h.Memory.GetEntryInfoAsync("l"))!.Kind.Should().Be(MemoryEntryKind.Value);
        h.Stats().BytesUsed.Should().Be(h.SumOfEntrySizes());
    }

    [Fact]
    public async Task DeleteAsync_RemovesAnyKind()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("v", 1);
        await h.Ops.SetHashFieldAsync("h", "f", 1);
        await h.Ops.AppendToListAsync("l", [1]);

        (await h.Memory.DeleteAsync("v")).Should().BeTrue();
        (await h.Memory.DeleteAsync("h")).Should().BeTrue();
        (await h.Memory.DeleteAsync("l")).Should().BeTrue();
        (await h.Memory.DeleteAsync("l")).Should().BeFalse();

        h.Stats().EntryCount.Should().Be(0);
    }

    [Fact]
    public async Task HashAndListCreatedByOperations_HaveDefaultsAndNoExpiry()
    {
        using var h = new StoreHarness();

        await h.Ops.SetHashFieldAsync("h", "f", 1);
        await h.Ops.AppendToListAsync("l", [1]);

        foreach (var key in new[] { "h", "l" })
        {
            var info = (await h.Memory.GetEntryInfoAsync(key))!;
            info.Priority.Should().Be(MemoryPriority.Normal);
            info.ExpiresAt.Should().BeNull();
            info.CreatedAt.Should().Be(StoreHarness.Epoch);
            (await h.Memory.GetMetadataAsync(key)).Should().BeEmpty();
        }
    }
}
