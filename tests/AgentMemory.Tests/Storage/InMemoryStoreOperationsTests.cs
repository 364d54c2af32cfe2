namespace AgentMemory.Tests.Storage;

public sealed class InMemoryStoreOperationsTests
{
    [Fact]
    public async Task ExecuteBatchAsync_MixedOperations_ReportsEachOutcomeInOrder()
    {
        using var h = new StoreHarness(o => o.MaxBytes = 200);
        await h.Memory.StoreAsync("existing", "old");
        var batch = new[]
        {
            MemoryBatchOperation.Store("a", 1),
            MemoryBatchOperation.Store(string.Empty, 2),
            MemoryBatchOperation.Delete("existing"),
            MemoryBatchOperation.Delete("absent"),
            MemoryBatchOperation.Store("bad\0key", 3),
            MemoryBatchOperation.Store("big", new string('x', 500)),
            MemoryBatchOperation.Store("ttl", 4, new MemoryEntryOptions { Ttl = TimeSpan.Zero }),
            MemoryBatchOperation.Store("b", "two", new MemoryEntryOptions { Priority = MemoryPriority.High }),
            MemoryBatchOperation.Delete("a"),
            MemoryBatchOperation.Delete(string.Empty),
        };

        var result = await h.Ops.ExecuteBatchAsync(batch);

        result.Outcomes.Select(o => o.Status).Should().Equal(
            MemoryBatchStatus.Stored,
            MemoryBatchStatus.Failed,
            MemoryBatchStatus.Deleted,
            MemoryBatchStatus.NotFound,
            MemoryBatchStatus.Failed,
            MemoryBatchStatus.Failed,
            MemoryBatchStatus.Failed,
            MemoryBatchStatus.Stored,
            MemoryBatchStatus.Deleted,
            MemoryBatchStatus.Failed);
        result.Outcomes.Select(o => o.Index).Should().Equal(Enumerable.Range(0, batch.Length));
        result.Outcomes.Select(o => o.Key).Should().Equal(batch.Select(b => b.Key));
        result.Outcomes.Select(o => o.Kind).Should().Equal(batch.Select(b => b.Kind));
        result.SuccessCount.Should().Be(5);
        result.FailureCount.Should().Be(5);
        result.AllSucceeded.Should().BeFalse();
        result.Outcomes[1].Error.Should().BeOfType<ArgumentException>();
        result.Outcomes[4].Error.Should().BeOfType<ArgumentException>();
        result.Outcomes[5].Error.Should().BeOfType<MemoryCapacityException>();
        result.Outcomes[6].Error.Should().BeAssignableTo<ArgumentException>();
        result.Outcomes[9].Error.Should().BeOfType<ArgumentException>();
        result.Outcomes.Where(o => o.Succeeded).Should().OnlyContain(o => o.Error == null);

        (await h.Memory.ListKeysAsync()).Should().Equal("b");
        (await h.Memory.RetrieveAsync<string>("b")).Should().Be("two");
        (await h.Memory.GetEntryInfoAsync("b"))!.Priority.Should().Be(MemoryPriority.High);
    }

    [Fact]
    public async Task ExecuteBatchAsync_UnserializableValue_FailsOnlyThatOperation()
    {
        using var h = new StoreHarness();
        Action unserializable = () => { };

        var result = await h.Ops.ExecuteBatchAsync([MemoryBatchOperation.Store("a", 1), MemoryBatchOperation.Store("bad", unserializable), MemoryBatchOperation.Store("c", 3)]);

        result.Outcomes.Select(o => o.Status).Should().Equal(MemoryBatchStatus.Stored, MemoryBatchStatus.Failed, MemoryBatchStatus.Stored);
        result.Outcomes[1].Error.Should().BeOfType<MemorySerializationException>();
        (await h.Memory.ListKeysAsync()).Should().Equal("a", "c");
    }

    [Fact]
    public async Task ExecuteBatchAsync_Empty_SucceedsWithNoOutcomes()
    {
        using var h = new StoreHarness();

        var result = await h.Ops.ExecuteBatchAsync([]);

        result.Outcomes.Should().BeEmpty();
        result.AllSucceeded.Should().BeTrue();
    }

    [Fact]
    public async Task ExecuteBatchAsync_NullItem_ThrowsBeforeRunningAnything()
    {
        using var h = new StoreHarness();

        var act = async () => await h.Ops.ExecuteBatchAsync([MemoryBatchOperation.Store("a", 1), null!]);

        await act.Should().ThrowAsync<ArgumentNullException>();
        (await h.Memory.ExistsAsync("a")).Should().BeFalse();
    }

    [Fact]
    public async Task ExecuteBatchAsync_StoreValue_IsSerializedAsTheDeclaredType()
    {
        using var h = new StoreHarness();

        await h.Ops.ExecuteBatchAsync([MemoryBatchOperation.Store("n", 41L), MemoryBatchOperation.Store<object>("o", "text")]);

        (await h.Ops.IncrementAsync("n")).Should().Be(42);
        (await h.Memory.RetrieveAsync<string>("o")).Should().Be("text");
    }

    [Fact]
    public async Task ExecuteBatchAsync_StoreOverHashOrList_ReplacesIt()
    {
        using var h = new StoreHarness();
        await h.Ops.SetHashFieldAsync("h", "f", 1);

        var result = await h.Ops.ExecuteBatchAsync([MemoryBatchOperation.Store("h", "value")]);

        result.AllSucceeded.Should().BeTrue();
        (await h.Memory.GetEntryInfoAsync("h"))!.Kind.Should().Be(MemoryEntryKind.Value);
    }

    [Fact]
    public async Task RetrieveManyAsync_ReturnsOnlyLiveValuesAndReadsDuplicatesOnce()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("a", 1);
        await h.Memory.StoreAsync("b", 2);

        var values = await h.Ops.RetrieveManyAsync<int>(["a", "b", "missing", "a"]);

        values.Should().Equal(new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 });
        h.Stats().Hits.Should().Be(2);
    }

    [Fact]
    public async Task RetrieveManyAsync_HashKey_ThrowsTypeMismatch()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("a", 1);
        await h.Ops.SetHashFieldAsync("h", "f", 1);

        var act = async () => await h.Ops.RetrieveManyAsync<int>(["a", "h"]);

        await act.Should().ThrowAsync<MemoryTypeMismatchException>();
    }

    [Fact]
    public async Task DeleteManyAsync_CountsOnlyLiveEntriesDeleted()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("a", 1);
        await h.Ops.SetHashFieldAsync("h", "f", 1);
        await h.Ops.AppendToListAsync("l", [1]);

        (await h.Ops.DeleteManyAsync(["a", "h", "l", "missing", "a"])).Should().Be(3);

        h.Stats().EntryCount.Should().Be(0);
        h.Stats().BytesUsed.Should().Be(0);
    }

    [Fact]
    public async Task IncrementAsync_AbsentKey_StartsFromZero()
    {
        using var h = new StoreHarness();

        (await h.Ops.IncrementAsync("a")).Should().Be(1);
        (await h.Ops.IncrementAsync("b", 10)).Should().Be(10);
        (await h.Ops.IncrementAsync("c", -5)).Should().Be(-5);
        (await h.Ops.IncrementAsync("d", 0)).Should().Be(0);
        (await h.Ops.DecrementAsync("e")).Should().Be(-1);
        (await h.Ops.DecrementAsync("f", 7)).Should().Be(-7);

        (await h.Memory.RetrieveAsync<long>("a")).Should().Be(1);
        (await h.Memory.RetrieveAsync<long>("d")).Should().Be(0);
        (await h.Memory.ExistsAsync("d")).Should().BeTrue();
        (await h.Memory.RetrieveAsync<long>("f")).Should().Be(-7);
        (await h.Memory.GetEntryInfoAsync("a"))!.Should().Match<MemoryEntryInfo>(i =>
            i.Kind == MemoryEntryKind.Value && i.Priority == MemoryPriority.Normal && i.ExpiresAt == null);
    }

    [Fact]
    public async Task IncrementAsync_ExistingIntegerValue_AddsToIt()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("int", 5);
        await h.Memory.StoreAsync("byte", (byte)200);
        await h.Memory.StoreAsync("long", 1L << 40);

        (await h.Ops.IncrementAsync("int", 2)).Should().Be(7);
        (await h.Ops.IncrementAsync("byte")).Should().Be(201);
        (await h.Ops.IncrementAsync("long")).Should().Be((1L << 40) + 1);
        (await h.Ops.DecrementAsync("int", 10)).Should().Be(-3);
    }

    [Fact]
    public async Task IncrementAsync_PastLongMaxValue_ThrowsOverflowAndKeepsTheValue()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("n", long.MaxValue - 1);

        (await h.Ops.IncrementAsync("n")).Should().Be(long.MaxValue);
        var act = async () => await h.Ops.IncrementAsync("n");

        (await act.Should().ThrowAsync<MemoryOverflowException>()).Which.Key.Should().Be("n");
        (await h.Memory.RetrieveAsync<long>("n")).Should().Be(long.MaxValue);
    }

    [Fact]
    public async Task DecrementAsync_PastLongMinValue_ThrowsOverflowAndKeepsTheValue()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("n", long.MinValue);

        var decrement = async () => await h.Ops.DecrementAsync("n");
        var increment = async () => await h.Ops.IncrementAsync("n", -1);

        await decrement.Should().ThrowAsync<MemoryOverflowException>();
        await increment.Should().ThrowAsync<MemoryOverflowException>();
        (await h.Memory.RetrieveAsync<long>("n")).Should().Be(long.MinValue);
    }

    [Fact]
    public async Task IncrementAsync_ByLongMinValue_Works()
    {
        using var h = new StoreHarness();

        (await h.Ops.IncrementAsync("n", long.MinValue)).Should().Be(long.MinValue);
        (await h.Ops.IncrementAsync("n", long.MaxValue)).Should().Be(-1);
    }

    [Fact]
    public async Task DecrementAsync_ByLongMinValue_ThrowsArgumentOutOfRangeAndChangesNothing()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("n", 5L);

        var act = async () => await h.Ops.DecrementAsync("n", long.MinValue);

        (await act.Should().ThrowAsync<ArgumentOutOfRangeException>()).Which.ParamName.Should().Be("amount");
        (await h.Memory.RetrieveAsync<long>("n")).Should().Be(5);
    }

    [Fact]
    public async Task IncrementAsync_NonIntegerValue_ThrowsTypeMismatchAndKeepsTheValue()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("string", "12");
        await h.Memory.StoreAsync("double", 1.5);
        await h.Memory.StoreAsync("bool", true);
        await h.Memory.StoreAsync("huge", ulong.MaxValue);
        await h.Memory.StoreRawAsync("garbage", new byte[] { 0x01, 0x02 });

        foreach (var key in new[] { "string", "double", "bool", "huge", "garbage" })
        {
            var act = async () => await h.Ops.IncrementAsync(key);
            (await act.Should().ThrowAsync<MemoryTypeMismatchException>()).Which.Key.Should().Be(key);
        }

        (await h.Memory.RetrieveAsync<string>("string")).Should().Be("12");
        (await h.Memory.RetrieveAsync<double>("double")).Should().Be(1.5);
        (await h.Memory.RetrieveRawAsync("garbage"))!.Value.ToArray().Should().Equal(0x01, 0x02);
    }

    [Fact]
    public async Task IncrementAsync_HashOrList_ThrowsTypeMismatch()
    {
        using var h = new StoreHarness();
        await h.Ops.SetHashFieldAsync("h", "f", 1);
        await h.Ops.AppendToListAsync("l", [1]);

        var hash = async () => await h.Ops.IncrementAsync("h");
        var list = async () => await h.Ops.DecrementAsync("l");

        await hash.Should().ThrowAsync<MemoryTypeMismatchException>();
        await list.Should().ThrowAsync<MemoryTypeMismatchException>();
        (await h.Ops.GetHashLengthAsync("h")).Should().Be(1);
        (await h.Ops.GetListLengthAsync("l")).Should().Be(1);
    }

    [Fact]
    public async Task CompareAndSwapAsync_MatchingValue_SwapsAndKeepsOptions()
    {
        using var h = new StoreHarness();
        var metadata = new Dictionary<string, MetadataValue> { ["a"] = 1 };
        await h.Memory.StoreAsync("k", "old", new MemoryEntryOptions { Ttl = TimeSpan.FromHours(1), Priority = MemoryPriority.Low, Metadata = metadata });
        var before = (await h.Memory.GetEntryInfoAsync("k"))!;
        h.Time.Advance(TimeSpan.FromMinutes(1));

        (await h.Ops.CompareAndSwapAsync("k", "old", "new")).Should().BeTrue();

        (await h.Memory.RetrieveAsync<string>("k")).Should().Be("new");
        var after = (await h.Memory.GetEntryInfoAsync("k"))!;
        after.ExpiresAt.Should().Be(before.ExpiresAt);
        after.Priority.Should().Be(MemoryPriority.Low);
        after.CreatedAt.Should().Be(before.CreatedAt);
        after.UpdatedAt.Should().Be(StoreHarness.Epoch.AddMinutes(1));
        (await h.Memory.GetMetadataAsync("k")).Should().Equal(metadata);
        h.Stats().BytesUsed.Should().Be(after.SizeBytes);
    }

    [Fact]
    public async Task CompareAndSwapAsync_DifferentValue_ReturnsFalseAndChangesNothing()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("k", "current");
        var before = (await h.Memory.GetEntryInfoAsync("k"))!;
        h.Time.Advance(TimeSpan.FromMinutes(1));

        (await h.Ops.CompareAndSwapAsync("k", "other", "new")).Should().BeFalse();

        (await h.Memory.RetrieveAsync<string>("k")).Should().Be("current");
        (await h.Memory.GetEntryInfoAsync("k")).Should().Be(before);
    }

    [Fact]
    public async Task CompareAndSwapAsync_MissingKey_ReturnsFalseAndCreatesNothing()
    {
        using var h = new StoreHarness();

        (await h.Ops.CompareAndSwapAsync("missing", 0L, 1L)).Should().BeFalse();
        (await h.Ops.CompareAndSwapAsync<string?>("missing", null, "x")).Should().BeFalse();

        (await h.Memory.ExistsAsync("missing")).Should().BeFalse();
    }

    [Fact]
    public async Task CompareAndSwapAsync_ComparesSerializedForms()
    {
        using var h = new StoreHarness();
        await h.Ops.IncrementAsync("counter", 5);

        // An int 5 and a long 5 have the same MessagePack encoding; a double 5.0 does not.
        (await h.Ops.CompareAndSwapAsync("counter", 5.0, 6.0)).Should().BeFalse();
        (await h.Ops.CompareAndSwapAsync("counter", 5, 6)).Should().BeTrue();
        (await h.Ops.IncrementAsync("counter")).Should().Be(7);
    }

    [Fact]
    public async Task CompareAndSwapAsync_HashOrList_ThrowsTypeMismatch()
    {
        using var h = new StoreHarness();
        await h.Ops.SetHashFieldAsync("h", "f", 1);
        await h.Ops.AppendToListAsync("l", [1]);

        var hash = async () => await h.Ops.CompareAndSwapAsync("h", 1, 2);
        var list = async () => await h.Ops.CompareAndSwapAsync("l", 1, 2);

        await hash.Should().ThrowAsync<MemoryTypeMismatchException>();
        await list.Should().ThrowAsync<MemoryTypeMismatchException>();
    }

    [Fact]
    public async Task Operations_Cancelled_ThrowBeforeTakingEffect()
    {
        using var h = new StoreHarness();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var store = async () => await h.Memory.StoreAsync("k", 1, cancellationToken: cts.Token);
        var increment = async () => await h.Ops.IncrementAsync("n", cancellationToken: cts.Token);
        var batch = async () => await h.Ops.ExecuteBatchAsync([MemoryBatchOperation.Store("b", 1)], cts.Token);

        await store.Should().ThrowAsync<OperationCanceledException>();
        await increment.Should().ThrowAsync<OperationCanceledException>();
        await batch.Should().ThrowAsync<OperationCanceledException>();
        h.Stats().EntryCount.Should().Be(0);
    }

    [Fact]
    public async Task Statistics_CountHitsAndMissesOfReads()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("k", 1);

        await h.Memory.RetrieveAsync<int>("k");
        await h.Memory.TryRetrieveAsync<int>("k");
        await h.Memory.RetrieveRawAsync("k");
        await h.Memory.RetrieveAsync<int>("missing");

        var stats = h.Stats();
        stats.Hits.Should().Be(3);
        stats.Misses.Should().Be(1);
        stats.HitRate.Should().Be(0.75);
    }

    [Fact]
    public async Task RetrieveAsync_WrongType_ThrowsSerializationExceptionNamingTheKey()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("k", "text");

        var act = async () => await h.Memory.RetrieveAsync<int>("k");

        (await act.Should().ThrowAsync<MemorySerializationException>()).Which.Key.Should().Be("k");
    }

    [Fact]
    public async Task TryRetrieveAsync_StoredNullOrDefault_IsFound()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync<string?>("null", null);
        await h.Memory.StoreAsync("zero", 0);

        var nullLookup = await h.Memory.TryRetrieveAsync<string?>("null");
        var zeroLookup = await h.Memory.TryRetrieveAsync<int>("zero");
        var missing = await h.Memory.TryRetrieveAsync<int>("missing");

        nullLookup.Found.Should().BeTrue();
        nullLookup.Value.Should().BeNull();
        zeroLookup.Found.Should().BeTrue();
        zeroLookup.Value.Should().Be(0);
        missing.Found.Should().BeFalse();
        (await h.Memory.RetrieveAsync<int>("missing")).Should().Be(0);
    }

    [Fact]
    public async Task RetrieveAsync_ReturnsAFreshCopyEachTime()
    {
        using var h = new StoreHarness();
        var original = new List<int> { 1, 2 };
        await h.Memory.StoreAsync("k", original);
        original.Add(3);

        var first = await h.Memory.RetrieveAsync<List<int>>("k");
        first!.Add(4);

        (await h.Memory.RetrieveAsync<List<int>>("k")).Should().Equal(1, 2);
    }

    [Fact]
    public async Task StoreRawAsync_CopiesTheBytes()
    {
        using var h = new StoreHarness();
        var bytes = new byte[] { 0xA1, 0x61 };
        await h.Memory.StoreRawAsync("k", bytes);
        bytes[1] = 0x62;

        (await h.Memory.RetrieveAsync<string>("k")).Should().Be("a");
        (await h.Memory.RetrieveRawAsync("k"))!.Value.ToArray().Should().Equal(0xA1, 0x61);
    }

    [Fact]
    public async Task RetrieveRawAsync_MemoryStaysValidAfterOverwrite()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("k", "first");
        var raw = (await h.Memory.RetrieveRawAsync("k"))!.Value;

        await h.Memory.StoreAsync("k", "second");
        await h.Memory.DeleteAsync("k");

        h.Store.Serializer.Deserialize<string>(raw).Should().Be("first");
    }
}
