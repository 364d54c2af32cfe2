namespace AgentMemory.Conformance;

/// <summary>
/// The contract of <see cref="IMemoryStore"/>. An implementation runs it by deriving a class that creates its
/// subject; every test starts from an empty store.
/// </summary>
public abstract class MemoryStoreContractTests : ConformanceTestBase
{
    private static readonly UserProfile Alice = new("Alice", 31, ["admin", "ops"]);

    [SkippableFact]
    public async Task StoreAsync_ThenRetrieveAsync_ReturnsAnEqualValue()
    {
        await Store.StoreAsync("user:1", Alice);

        var read = await Store.RetrieveAsync<UserProfile>("user:1");

        read.Should().Be(Alice);
    }

    [SkippableFact]
    public async Task RetrieveAsync_ReturnsAFreshCopy_SoCallersCannotChangeWhatIsStored()
    {
        await Store.StoreAsync("user:1", Alice);

        var first = await Store.RetrieveAsync<UserProfile>("user:1");
        first!.Tags[0] = "changed";
        var second = await Store.RetrieveAsync<UserProfile>("user:1");

        second!.Tags[0].Should().Be("admin");
        first.Should().NotBeSameAs(second);
    }

    [SkippableFact]
    public async Task RetrieveAsync_MissingKey_ReturnsDefault()
    {
        (await Store.RetrieveAsync<UserProfile>("absent")).Should().BeNull();
        (await Store.RetrieveAsync<int>("absent")).Should().Be(0);
    }

    [SkippableFact]
    public async Task TryRetrieveAsync_DistinguishesAStoredDefaultFromAMissingKey()
    {
        await Store.StoreAsync("zero", 0);

        var stored = await Store.TryRetrieveAsync<int>("zero");
        var missing = await Store.TryRetrieveAsync<int>("absent");

        stored.Found.Should().BeTrue();
        stored.Value.Should().Be(0);
        missing.Found.Should().BeFalse();
    }

    [SkippableFact]
    public async Task StoreAsync_ExistingKey_ReplacesValueMetadataAndTtl()
    {
        await Store.StoreAsync("k", "first", new MemoryEntryOptions
        {
            Ttl = TimeSpan.FromMinutes(1),
            Metadata = new Dictionary<string, MetadataValue> { ["a"] = 1 },
        });

        await Store.StoreAsync("k", "second");
        await Subject.AdvanceTime(TimeSpan.FromMinutes(2));

        (await Store.RetrieveAsync<string>("k")).Should().Be("second");
        (await Store.GetMetadataAsync("k")).Should().BeEmpty();
        (await Store.GetEntryInfoAsync("k"))!.ExpiresAt.Should().BeNull();
    }

    [SkippableFact]
    public async Task StoreRawAsync_CopiesTheBytes_AndRetrieveRawAsyncReturnsThem()
    {
        var bytes = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();

        await Store.StoreRawAsync("raw", bytes);
        bytes[0] = 255;
        var read = await Store.RetrieveRawAsync("raw");

        read.Should().NotBeNull();
        read!.Value.Length.Should().Be(100);
        read.Value.Span[0].Should().Be(0);
        read.Value.Span[99].Should().Be(99);
        (await Store.RetrieveRawAsync("absent")).Should().BeNull();
    }

    [SkippableFact]
    public async Task RetrieveRawAsync_ReturnsTheSerializedFormThatRetrieveAsyncReads()
    {
        await Store.StoreAsync("n", 42L);
        var raw = await Store.RetrieveRawAsync("n");

        await Store.StoreRawAsync("copy", raw!.Value);

        (await Store.RetrieveAsync<long>("copy")).Should().Be(42);
    }

    [SkippableFact]
    public async Task RetrieveAsync_AsAnIncompatibleType_ThrowsMemorySerializationException()
    {
        await Store.StoreAsync("text", "not a number");

        var read = async () => await Store.RetrieveAsync<int>("text");

        (await read.Should().ThrowAsync<MemorySerializationException>()).Which.Message.Should().Contain("text");
    }

    [SkippableFact]
    public async Task DeleteAsync_ReturnsTrueOnce_ThenFalse()
    {
        await Store.StoreAsync("k", 1);

        (await Store.DeleteAsync("k")).Should().BeTrue();
        (await Store.DeleteAsync("k")).Should().BeFalse();
        (await Store.ExistsAsync("k")).Should().BeFalse();
    }

    [SkippableFact]
    public async Task ExistsAsync_TellsWhetherAKeyHoldsAnEntry()
    {
        await Store.StoreAsync("k", 1);

        (await Store.ExistsAsync("k")).Should().BeTrue();
        (await Store.ExistsAsync("other")).Should().BeFalse();
    }

    [SkippableFact]
    public async Task Ttl_EntryIsPresentBeforeExpiry_AndAbsentEverywhereAfter()
    {
        await Store.StoreAsync("session:1", "data", new MemoryEntryOptions { Ttl = TimeSpan.FromSeconds(10) });
        await Store.StoreAsync("session:2", "kept");

        await Subject.AdvanceTime(TimeSpan.FromSeconds(9));
        (await Store.RetrieveAsync<string>("session:1")).Should().Be("data");

        await Subject.AdvanceTime(TimeSpan.FromSeconds(2));
        (await Store.RetrieveAsync<string>("session:1")).Should().BeNull();
        (await Store.ExistsAsync("session:1")).Should().BeFalse();
        (await Store.GetMetadataAsync("session:1")).Should().BeNull();
        (await Store.GetEntryInfoAsync("session:1")).Should().BeNull();
        (await Store.ListKeysAsync("session:*")).Should().Equal("session:2");
    }

    [SkippableFact]
    public async Task AbsoluteExpiration_ExpiresTheEntryAtThatTime()
    {
        var info = await StoreAndInfo("k", new MemoryEntryOptions { Ttl = TimeSpan.FromHours(1) });
        var at = info.UpdatedAt + TimeSpan.FromMinutes(5);
        await Store.StoreAsync("abs", 1, new MemoryEntryOptions { AbsoluteExpiration = at });

        (await Store.GetEntryInfoAsync("abs"))!.ExpiresAt.Should().Be(at);
        await Subject.AdvanceTime(TimeSpan.FromMinutes(6));

        (await Store.ExistsAsync("abs")).Should().BeFalse();
    }

    [SkippableFact]
    public async Task StoreAsync_InvalidOptions_ThrowArgumentExceptionAndStoreNothing()
    {
        var bad = new[]
        {
            new MemoryEntryOptions { Ttl = TimeSpan.Zero },
            new MemoryEntryOptions { Ttl = TimeSpan.FromSeconds(-1) },
            new MemoryEntryOptions { Ttl = TimeSpan.FromSeconds(1), AbsoluteExpiration = DateTimeOffset.UtcNow.AddDays(1) },
            new MemoryEntryOptions { AbsoluteExpiration = DateTimeOffset.UnixEpoch },
            new MemoryEntryOptions { Priority = (MemoryPriority)42 },
        };

        foreach (var options in bad)
        {
            var store = async () => await Store.StoreAsync("k", 1, options);
            await store.Should().ThrowAsync<ArgumentException>();
        }

        (await Store.ExistsAsync("k")).Should().BeFalse();
    }

    [SkippableFact]
    public async Task Keys_NullEmptyOrTooLong_AreRejected()
    {
        var nullKey = async () => await Store.StoreAsync(null!, 1);
        var emptyKey = async () => await Store.StoreAsync(string.Empty, 1);
        var longKey = async () => await Store.StoreAsync(new string('k', MemoryKey.MaxLength + 1), 1);
        var emptyRead = async () => await Store.RetrieveAsync<int>(string.Empty);

        await nullKey.Should().ThrowAsync<ArgumentNullException>();
        await emptyKey.Should().ThrowAsync<ArgumentException>();
        await longKey.Should().ThrowAsync<ArgumentException>().WithMessage($"*{MemoryKey.MaxLength}*");
        await emptyRead.Should().ThrowAsync<ArgumentException>();
        await Store.StoreAsync(new string('k', MemoryKey.MaxLength), 1);
        (await Store.ExistsAsync(new string('k', MemoryKey.MaxLength))).Should().BeTrue();
    }

    [SkippableFact]
    public async Task Metadata_OfEveryKind_RoundTripsExactly()
    {
        var metadata = new Dictionary<string, MetadataValue>
        {
            ["null"] = MetadataValue.Null,
            ["true"] = true,
            ["int"] = long.MinValue,
            ["one"] = 1,
            ["one-point-zero"] = 1.0,
            ["double"] = 0.1,
            ["text"] = "héllo ✓",
            ["empty"] = string.Empty,
            ["list"] = MetadataValue.FromList(1, "two", 3.5, MetadataValue.Null, MetadataValue.FromList()),
            ["map"] = MetadataValue.FromMap(new Dictionary<string, MetadataValue> { ["nested"] = MetadataValue.FromList(false) }),
        };

        await Store.StoreAsync("k", 1, new MemoryEntryOptions { Metadata = metadata });
        var read = await Store.GetMetadataAsync("k");

        read.Should().BeEquivalentTo(metadata);
        read!["one"].Kind.Should().Be(MetadataValueKind.Integer);
        read["one-point-zero"].Kind.Should().Be(MetadataValueKind.Double);
        read["map"].Should().Be(metadata["map"]);
    }

    [SkippableFact]
    public async Task GetMetadataAsync_EntryWithoutMetadata_IsEmpty_AndMissingKey_IsNull()
    {
        await Store.StoreAsync("k", 1);

        (await Store.GetMetadataAsync("k")).Should().BeEmpty();
        (await Store.GetMetadataAsync("absent")).Should().BeNull();
    }

    [SkippableFact]
    public async Task UpdateMetadataAsync_MergesOrReplaces_AndKeepsValueAndTtl()
    {
        await Store.StoreAsync("k", "v", new MemoryEntryOptions
        {
            Ttl = TimeSpan.FromMinutes(10),
            Metadata = new Dictionary<string, MetadataValue> { ["a"] = 1, ["b"] = 2 },
        });
        var expires = (await Store.GetEntryInfoAsync("k"))!.ExpiresAt;

        (await Store.UpdateMetadataAsync("k", new Dictionary<string, MetadataValue> { ["b"] = 20, ["c"] = 3 })).Should().BeTrue();
        (await Store.GetMetadataAsync("k")).Should().BeEquivalentTo(new Dictionary<string, MetadataValue> { ["a"] = 1, ["b"] = 20, ["c"] = 3 });

        (await Store.UpdateMetadataAsync("k", new Dictionary<string, MetadataValue> { ["z"] = "only" }, MetadataUpdateMode.Replace)).Should().BeTrue();
        (await Store.GetMetadataAsync("k")).Should().BeEquivalentTo(new Dictionary<string, MetadataValue> { ["z"] = "only" });

        (await Store.RetrieveAsync<string>("k")).Should().Be("v");
        (await Store.GetEntryInfoAsync("k"))!.ExpiresAt.Should().Be(expires);
        (await Store.UpdateMetadataAsync("absent", new Dictionary<string, MetadataValue> { ["a"] = 1 })).Should().BeFalse();
        (await Store.ExistsAsync("absent")).Should().BeFalse();
    }

    [SkippableFact]
    public async Task GetEntryInfoAsync_DescribesKindLengthPriorityAndTimes()
    {
        var created = await StoreAndInfo("k", new MemoryEntryOptions { Priority = MemoryPriority.High, Ttl = TimeSpan.FromMinutes(5) });
        await Subject.AdvanceTime(TimeSpan.FromSeconds(30));
        await Store.StoreAsync("k", "again", new MemoryEntryOptions { Priority = MemoryPriority.High, Ttl = TimeSpan.FromMinutes(5) });

        var info = await Store.GetEntryInfoAsync("k");

        info!.Key.Should().Be("k");
        info.Kind.Should().Be(MemoryEntryKind.Value);
        info.Length.Should().Be(1);
        info.Priority.Should().Be(MemoryPriority.High);
        info.SizeBytes.Should().BePositive();
        info.CreatedAt.Should().Be(created.CreatedAt);
        info.UpdatedAt.Should().BeAfter(created.UpdatedAt);
        info.ExpiresAt.Should().Be(info.UpdatedAt + TimeSpan.FromMinutes(5));
    }

    [SkippableFact]
    public async Task ListKeysAsync_FiltersByGlob_InOrdinalOrder_UpToTheLimit()
    {
        foreach (var key in new[] { "user:2", "user:10", "user:1", "task:1", "user:a" })
        {
            await Store.StoreAsync(key, 0);
        }

        (await Store.ListKeysAsync("user:*")).Should().Equal("user:1", "user:10", "user:2", "user:a");
        (await Store.ListKeysAsync("user:?")).Should().Equal("user:1", "user:2", "user:a");
        (await Store.ListKeysAsync("user:[0-9]*")).Should().Equal("user:1", "user:10", "user:2");
        (await Store.ListKeysAsync("user:[!0-9]")).Should().Equal("user:a");
        (await Store.ListKeysAsync("user:*", limit: 2)).Should().Equal("user:1", "user:10");
        (await Store.ListKeysAsync()).Should().HaveCount(5);
        (await Store.ListKeysAsync("task:1")).Should().Equal("task:1");
        (await Store.ListKeysAsync("nothing*")).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task ListKeysAsync_EscapedWildcards_MatchLiterally()
    {
        await Store.StoreAsync("a*b", 0);
        await Store.StoreAsync("axb", 0);

        (await Store.ListKeysAsync(@"a\*b")).Should().Equal("a*b");
        (await Store.ListKeysAsync("a*b")).Should().Equal("a*b", "axb");
    }

    [SkippableFact]
    public async Task ListKeysAsync_BadArguments_Throw()
    {
        var unclosed = async () => await Store.ListKeysAsync("user:[abc");
        var zeroLimit = async () => await Store.ListKeysAsync("*", 0);
        var badToken = async () => await Store.ListKeysPageAsync("*", "not-a-token");

        await unclosed.Should().ThrowAsync<ArgumentException>().WithMessage("*[abc*");
        await zeroLimit.Should().ThrowAsync<ArgumentOutOfRangeException>();
        await badToken.Should().ThrowAsync<ArgumentException>();
    }

    [SkippableFact]
    public async Task ListKeysPageAsync_PagesThroughEveryKeyOnce()
    {
        var expected = Enumerable.Range(0, 257).Select(i => $"doc:{i:D4}").ToList();
        foreach (var key in expected)
        {
            await Store.StoreAsync(key, 0);
        }

        await Store.StoreAsync("other", 0);
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Store.ListKeysPageAsync("doc:*", token, pageSize: 50);
            page.Keys.Count.Should().BeLessThanOrEqualTo(50);
            seen.AddRange(page.Keys);
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null);

        seen.Distinct().Should().BeEquivalentTo(expected);
        pages.Should().BeGreaterThanOrEqualTo(6);
    }

    [SkippableFact]
    public async Task EnumerateKeysAsync_YieldsEveryMatchingKey()
    {
        for (var i = 0; i < 30; i++)
        {
            await Store.StoreAsync($"k{i}", i);
        }

        var keys = new List<string>();
        await foreach (var key in Store.EnumerateKeysAsync("k1*", pageSize: 4))
        {
            keys.Add(key);
        }

        keys.Distinct().Should().BeEquivalentTo(new[] { "k1" }.Concat(Enumerable.Range(10, 10).Select(i => $"k{i}")));
    }

    [SkippableFact]
    public async Task ClearAsync_RemovesEverything_AndReturnsTheCount()
    {
        await Store.StoreAsync("a", 1);
        await Store.StoreAsync("b", 2);
        await Operations.AppendToListAsync("c", [1]);

        (await Store.ClearAsync()).Should().Be(3);

        (await Store.ListKeysAsync()).Should().BeEmpty();
        var stats = await Store.GetStatisticsAsync();
        stats.EntryCount.Should().Be(0);
        stats.BytesUsed.Should().Be(0);
    }

    [SkippableFact]
    public async Task GetStatisticsAsync_CountsEntriesBytesHitsAndMisses()
    {
        await Store.StoreAsync("a", "value");
        await Store.StoreAsync("b", "value");
        await Store.RetrieveAsync<string>("a");
        await Store.RetrieveAsync<string>("a");
        await Store.RetrieveAsync<string>("missing");

        var stats = await Store.GetStatisticsAsync();

        stats.EntryCount.Should().Be(2);
        stats.BytesUsed.Should().Be((await Store.GetEntryInfoAsync("a"))!.SizeBytes + (await Store.GetEntryInfoAsync("b"))!.SizeBytes);
        stats.Hits.Should().Be(2);
        stats.Misses.Should().Be(1);
        stats.HitRate.Should().BeApproximately(2.0 / 3, 1e-9);
    }

    [SkippableFact]
    public async Task CancelledToken_ThrowsOperationCanceledException()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var store = async () => await Store.StoreAsync("k", 1, cancellationToken: cts.Token);
        var read = async () => await Store.RetrieveAsync<int>("k", cts.Token);

        await store.Should().ThrowAsync<OperationCanceledException>();
        await read.Should().ThrowAsync<OperationCanceledException>();
        (await Store.ExistsAsync("k")).Should().BeFalse();
    }

    private async Task<MemoryEntryInfo> StoreAndInfo(string key, MemoryEntryOptions options)
    {
        await Store.StoreAsync(key, "v", options);
        return (await Store.GetEntryInfoAsync(key))!;
    }
}
