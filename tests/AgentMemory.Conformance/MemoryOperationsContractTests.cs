namespace AgentMemory.Conformance;

/// <summary>
/// The contract of <see cref="IMemoryOperations"/>: batches, counters, compare-and-swap, hashes and lists. An
/// implementation runs it by deriving a class that creates its subject; every test starts from an empty store.
/// </summary>
public abstract class MemoryOperationsContractTests : ConformanceTestBase
{
    [SkippableFact]
    public async Task ExecuteBatchAsync_MixedOperations_ReportEachOutcomeInOrder()
    {
        await Store.StoreAsync("old", 1);

        var result = await Operations.ExecuteBatchAsync(
        [
            MemoryBatchOperation.Store("key1", "value1"),
            MemoryBatchOperation.Store("key2", 2, new MemoryEntryOptions { Priority = MemoryPriority.High }),
            MemoryBatchOperation.Delete("old"),
            MemoryBatchOperation.Delete("never-existed"),
            MemoryBatchOperation.Store(string.Empty, "bad key"),
            MemoryBatchOperation.Store("bad-ttl", 1, new MemoryEntryOptions { Ttl = TimeSpan.FromSeconds(-1) }),
        ]);

        result.Outcomes.Select(o => o.Status).Should().Equal(
            MemoryBatchStatus.Stored,
            MemoryBatchStatus.Stored,
            MemoryBatchStatus.Deleted,
            MemoryBatchStatus.NotFound,
            MemoryBatchStatus.Failed,
            MemoryBatchStatus.Failed);
        result.Outcomes.Select(o => o.Index).Should().Equal(0, 1, 2, 3, 4, 5);
        result.SuccessCount.Should().Be(4);
        result.FailureCount.Should().Be(2);
        result.AllSucceeded.Should().BeFalse();
        result.Outcomes[4].Error.Should().BeAssignableTo<ArgumentException>();
        (await Store.RetrieveAsync<string>("key1")).Should().Be("value1");
        (await Store.GetEntryInfoAsync("key2"))!.Priority.Should().Be(MemoryPriority.High);
        (await Store.ExistsAsync("old")).Should().BeFalse();
        (await Store.ExistsAsync("bad-ttl")).Should().BeFalse();
    }

    [SkippableFact]
    public async Task ExecuteBatchAsync_NullOperation_ThrowsBeforeRunningAny()
    {
        var run = async () => await Operations.ExecuteBatchAsync([MemoryBatchOperation.Store("a", 1), null!]);

        await run.Should().ThrowAsync<ArgumentNullException>();
        (await Store.ExistsAsync("a")).Should().BeFalse();
    }

    [SkippableFact]
    public async Task RetrieveManyAsync_ReturnsOnlyKeysThatHoldValues()
    {
        await Store.StoreAsync("a", 1);
        await Store.StoreAsync("b", 2);

        var values = await Operations.RetrieveManyAsync<int>(["a", "b", "missing", "a"]);

        values.Should().BeEquivalentTo(new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 });
    }

    [SkippableFact]
    public async Task DeleteManyAsync_ReturnsHowManyExisted()
    {
        await Store.StoreAsync("a", 1);
        await Operations.SetHashFieldAsync("h", "f", 1);

        (await Operations.DeleteManyAsync(["a", "h", "missing"])).Should().Be(2);
        (await Store.ListKeysAsync()).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task IncrementAsync_StartsFromZero_AndIsReadableAsALong()
    {
        (await Operations.IncrementAsync("counter")).Should().Be(1);
        (await Operations.IncrementAsync("counter", 10)).Should().Be(11);
        (await Operations.IncrementAsync("counter", -20)).Should().Be(-9);
        (await Operations.DecrementAsync("counter", 1)).Should().Be(-10);
        (await Operations.DecrementAsync("fresh")).Should().Be(-1);

        (await Store.RetrieveAsync<long>("counter")).Should().Be(-10);
    }

    [SkippableFact]
    public async Task IncrementAsync_OfAStoredInteger_ContinuesFromIt()
    {
        await Store.StoreAsync("views", 41L);

        (await Operations.IncrementAsync("views")).Should().Be(42);
    }

    [SkippableFact]
    public async Task IncrementAsync_Overflow_ThrowsAndKeepsTheValue()
    {
        await Operations.IncrementAsync("max", long.MaxValue);
        await Operations.DecrementAsync("min", long.MaxValue);
        await Operations.DecrementAsync("min", 1);

        var up = async () => await Operations.IncrementAsync("max");
        var down = async () => await Operations.DecrementAsync("min");

        await up.Should().ThrowAsync<MemoryOverflowException>();
        await down.Should().ThrowAsync<MemoryOverflowException>();
        (await Store.RetrieveAsync<long>("max")).Should().Be(long.MaxValue);
        (await Store.RetrieveAsync<long>("min")).Should().Be(long.MinValue);
    }

    [SkippableFact]
    public async Task DecrementAsync_ByLongMinValue_ThrowsArgumentOutOfRange()
    {
        var run = async () => await Operations.DecrementAsync("k", long.MinValue);

        await run.Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    [SkippableFact]
    public async Task IncrementAsync_OfANonInteger_ThrowsTypeMismatch()
    {
        await Store.StoreAsync("text", "five");
        await Operations.AppendToListAsync("list", [1]);

        var text = async () => await Operations.IncrementAsync("text");
        var list = async () => await Operations.IncrementAsync("list");

        await text.Should().ThrowAsync<MemoryTypeMismatchException>();
        await list.Should().ThrowAsync<MemoryTypeMismatchException>();
        (await Store.RetrieveAsync<string>("text")).Should().Be("five");
    }

    [SkippableFact]
    public async Task IncrementAsync_KeepsTheEntrysTtlAndMetadata()
    {
        await Store.StoreAsync("c", 1L, new MemoryEntryOptions
        {
            Ttl = TimeSpan.FromSeconds(10),
            Metadata = new Dictionary<string, MetadataValue> { ["unit"] = "requests" },
        });

        await Operations.IncrementAsync("c");

        (await Store.GetMetadataAsync("c"))!["unit"].Should().Be((MetadataValue)"requests");
        await Subject.AdvanceTime(TimeSpan.FromSeconds(11));
        (await Store.ExistsAsync("c")).Should().BeFalse();
    }

    [SkippableFact]
    public async Task IncrementAsync_ConcurrentCallers_LoseNoUpdate()
    {
        const int Tasks = 8;
        const int PerTask = 250;

        await Task.WhenAll(Enumerable.Range(0, Tasks).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < PerTask; i++)
            {
                await Operations.IncrementAsync("shared");
            }
        })));

        (await Store.RetrieveAsync<long>("shared")).Should().Be(Tasks * PerTask);
    }

    [SkippableFact]
    public async Task CompareAndSwapAsync_SwapsOnlyWhenTheCurrentValueMatches()
    {
        await Store.StoreAsync("status", "pending");

        (await Operations.CompareAndSwapAsync("status", "running", "done")).Should().BeFalse();
        (await Store.RetrieveAsync<string>("status")).Should().Be("pending");

        (await Operations.CompareAndSwapAsync("status", "pending", "running")).Should().BeTrue();
        (await Store.RetrieveAsync<string>("status")).Should().Be("running");

        (await Operations.CompareAndSwapAsync("absent", "x", "y")).Should().BeFalse();
        (await Store.ExistsAsync("absent")).Should().BeFalse();
    }

    [SkippableFact]
    public async Task CompareAndSwapAsync_ComparesStructuredValues_AndKeepsTtl()
    {
        var before = new UserProfile("Bob", 40, ["a"]);
        await Store.StoreAsync("profile", before, new MemoryEntryOptions { Ttl = TimeSpan.FromMinutes(1) });

        (await Operations.CompareAndSwapAsync("profile", new UserProfile("Bob", 40, ["a"]), before with { Age = 41 })).Should().BeTrue();

        (await Store.RetrieveAsync<UserProfile>("profile"))!.Age.Should().Be(41);
        (await Store.GetEntryInfoAsync("profile"))!.ExpiresAt.Should().NotBeNull();
    }

    [SkippableFact]
    public async Task CompareAndSwapAsync_OnAHash_ThrowsTypeMismatch()
    {
        await Operations.SetHashFieldAsync("h", "f", 1);

        var run = async () => await Operations.CompareAndSwapAsync("h", 1, 2);

        await run.Should().ThrowAsync<MemoryTypeMismatchException>();
    }

    [SkippableFact]
    public async Task Hash_FieldOperations_FollowRedisSemantics()
    {
        (await Operations.SetHashFieldAsync("user:1", "name", "Ada")).Should().BeTrue();
        (await Operations.SetHashFieldAsync("user:1", "lang", "en")).Should().BeTrue();
        (await Operations.SetHashFieldAsync("user:1", "lang", "fr")).Should().BeFalse();

        (await Operations.GetHashAsync<string>("user:1")).Should().BeEquivalentTo(new Dictionary<string, string> { ["name"] = "Ada", ["lang"] = "fr" });
        (await Operations.GetHashFieldAsync<string>("user:1", "lang")).Should().Be(new MemoryLookup<string>("fr"));
        (await Operations.GetHashFieldAsync<string>("user:1", "missing")).Found.Should().BeFalse();
        (await Operations.GetHashLengthAsync("user:1")).Should().Be(2);

        (await Operations.DeleteHashFieldAsync("user:1", "name")).Should().BeTrue();
        (await Operations.DeleteHashFieldAsync("user:1", "name")).Should().BeFalse();
        (await Operations.DeleteHashFieldAsync("user:1", "lang")).Should().BeTrue();
        (await Store.ExistsAsync("user:1")).Should().BeFalse();
        (await Operations.GetHashAsync<string>("user:1")).Should().BeEmpty();
        (await Operations.GetHashLengthAsync("user:1")).Should().Be(0);
    }

    [SkippableFact]
    public async Task SetHashAsync_ReplacesTheWholeHash_AndAnEmptyMapDeletesIt()
    {
        await Operations.SetHashAsync("h", new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 });
        await Operations.SetHashAsync("h", new Dictionary<string, int> { ["c"] = 3 }, new MemoryEntryOptions { Ttl = TimeSpan.FromSeconds(5) });

        (await Operations.GetHashAsync<int>("h")).Should().BeEquivalentTo(new Dictionary<string, int> { ["c"] = 3 });
        (await Store.GetEntryInfoAsync("h"))!.Kind.Should().Be(MemoryEntryKind.Hash);

        await Subject.AdvanceTime(TimeSpan.FromSeconds(6));
        (await Operations.GetHashAsync<int>("h")).Should().BeEmpty();

        await Operations.SetHashAsync("h2", new Dictionary<string, int> { ["a"] = 1 });
        await Operations.SetHashAsync("h2", new Dictionary<string, int>());
        (await Store.ExistsAsync("h2")).Should().BeFalse();
    }

    [SkippableFact]
    public async Task List_AppendAndRead_InOrder()
    {
        (await Operations.AppendToListAsync("log", ["a", "b"])).Should().Be(2);
        (await Operations.AppendToListAsync("log", ["c", "d", "e"])).Should().Be(5);

        (await Operations.GetListAsync<string>("log")).Should().Equal("a", "b", "c", "d", "e");
        (await Operations.GetListLengthAsync("log")).Should().Be(5);
        (await Operations.GetListRangeAsync<string>("log", 1..3)).Should().Equal("b", "c");
        (await Operations.GetListRangeAsync<string>("log", ^2..)).Should().Equal("d", "e");
        (await Operations.GetListRangeAsync<string>("log", 3..100)).Should().Equal("d", "e");
        (await Operations.GetListRangeAsync<string>("log", 4..2)).Should().BeEmpty();
        (await Operations.GetListAsync<string>("missing")).Should().BeEmpty();
        (await Operations.GetListLengthAsync("missing")).Should().Be(0);
    }

    [SkippableFact]
    public async Task AppendToListAsync_NothingToAbsentKey_CreatesNoEntry()
    {
        (await Operations.AppendToListAsync("empty", Array.Empty<int>())).Should().Be(0);

        (await Store.ExistsAsync("empty")).Should().BeFalse();
    }

    [SkippableFact]
    public async Task KindMismatches_ThrowMemoryTypeMismatchException()
    {
        await Store.StoreAsync("value", 1);
        await Operations.SetHashFieldAsync("hash", "f", 1);
        await Operations.AppendToListAsync("list", [1]);

        var attempts = new Func<Task>[]
        {
            async () => await Operations.AppendToListAsync("hash", [2]),
            async () => await Operations.GetListAsync<int>("value"),
            async () => await Operations.SetHashFieldAsync("list", "f", 2),
            async () => await Operations.GetHashAsync<int>("value"),
            async () => await Store.RetrieveAsync<int>("list"),
            async () => await Store.RetrieveRawAsync("hash"),
        };

        foreach (var attempt in attempts)
        {
            await attempt.Should().ThrowAsync<MemoryTypeMismatchException>();
        }

        (await Operations.GetListAsync<int>("list")).Should().Equal(1);
        (await Operations.GetHashAsync<int>("hash")).Should().ContainKey("f");
    }

    [SkippableFact]
    public async Task StoreAsync_OverAHashOrList_ReplacesItWithAValue()
    {
        await Operations.AppendToListAsync("k", [1, 2]);

        await Store.StoreAsync("k", "now a value");

        (await Store.RetrieveAsync<string>("k")).Should().Be("now a value");
        (await Store.GetEntryInfoAsync("k"))!.Kind.Should().Be(MemoryEntryKind.Value);
    }
}
