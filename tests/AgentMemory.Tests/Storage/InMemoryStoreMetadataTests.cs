using AgentMemory.Tests.Abstractions;
using CsCheck;

namespace AgentMemory.Tests.Storage;

public sealed class InMemoryStoreMetadataTests
{
    private static MemoryEntryOptions With(IReadOnlyDictionary<string, MetadataValue> metadata) => new() { Metadata = metadata };

    [Fact]
    public async Task GetMetadataAsync_EveryKind_RoundTripsExactly()
    {
        using var h = new StoreHarness();
        var metadata = new Dictionary<string, MetadataValue>
        {
            ["null"] = MetadataValue.Null,
            ["true"] = true,
            ["false"] = false,
            ["int"] = 1,
            ["double"] = 1.0,
            ["min"] = long.MinValue,
            ["max"] = long.MaxValue,
            ["epsilon"] = double.Epsilon,
            ["negativeZero"] = -0.0,
            ["hugeDouble"] = double.MaxValue,
            ["tenth"] = 0.1,
            ["empty"] = string.Empty,
            ["unicode"] = "ключ \uD83D\uDE00 鍵",
            ["list"] = MetadataValue.FromList(1, 1.0, "1", MetadataValue.Null, MetadataValue.FromList()),
            ["map"] = MetadataValue.FromMap(new Dictionary<string, MetadataValue>
            {
                ["nested"] = MetadataValue.FromMap(new Dictionary<string, MetadataValue> { ["deeper"] = MetadataValue.FromList(true) }),
                ["emptyMap"] = MetadataValue.FromMap([]),
                [string.Empty] = "empty key",
            }),
            [string.Empty] = "empty field name",
        };

        await h.Memory.StoreAsync("k", "v", With(metadata));
        var read = await h.Memory.GetMetadataAsync("k");

        read.Should().NotBeNull().And.Equal(metadata);
        read!["int"].Kind.Should().Be(MetadataValueKind.Integer);
        read["double"].Kind.Should().Be(MetadataValueKind.Double);
        read["min"].AsInt64().Should().Be(long.MinValue);
        read["epsilon"].AsDouble().Should().Be(double.Epsilon);
        BitConverter.DoubleToInt64Bits(read["negativeZero"].AsDouble()).Should().Be(BitConverter.DoubleToInt64Bits(-0.0));
        read["empty"].AsString().Should().BeEmpty();
    }

    [Fact]
    public async Task GetMetadataAsync_MaxDepthValue_RoundTrips()
    {
        using var h = new StoreHarness();
        var metadata = new Dictionary<string, MetadataValue>
        {
            ["lists"] = MetadataValueTests.Nest(MetadataValue.MaxDepth, useMaps: false),
            ["maps"] = MetadataValueTests.Nest(MetadataValue.MaxDepth, useMaps: true),
        };

        await h.Memory.StoreAsync("k", 1, With(metadata));

        (await h.Memory.GetMetadataAsync("k")).Should().Equal(metadata);
    }

    [Fact]
    public void GetMetadataAsync_RandomMetadata_RoundTripsExactly()
    {
        using var h = new StoreHarness();
        var counter = 0;
        MetadataValueGen.Metadata().Sample(metadata =>
        {
            var key = $"k{Interlocked.Increment(ref counter)}";
            h.Memory.StoreAsync(key, 1, With(metadata)).Sync();
            var read = h.Memory.GetMetadataAsync(key).Sync() ?? throw new InvalidOperationException("The entry has disappeared.");
            read.Should().HaveCount(metadata.Count);
            foreach (var (field, value) in metadata)
            {
                read.Should().ContainKey(field);
                read[field].Should().Be(value, "field '{0}' was stored as {1}", field, value);
                read[field].ToString().Should().Be(value.ToString());
            }
        }, iter: 1_000);
    }

    public static TheoryData<int> UnpairedSurrogateCases => [0, 1, 2, 3, 4];

    /// <summary>
    /// Text with an unpaired surrogate has no UTF-8 form: MessagePack would silently store U+FFFD instead, so the
    /// store refuses it wherever it appears in metadata. (Theories take an index: xunit would mangle the strings.)
    /// </summary>
    [Theory]
    [MemberData(nameof(UnpairedSurrogateCases))]
    public async Task StoreAsync_MetadataTextWithUnpairedSurrogate_ThrowsArgumentExceptionAndStoresNothing(int index)
    {
        var metadata = UnpairedSurrogateMetadata(index);
        using var h = new StoreHarness();

        var act = async () => await h.Memory.StoreAsync("k", 1, With(metadata));

        await act.Should().ThrowAsync<ArgumentException>().WithMessage("*surrogate*");
        (await h.Memory.ExistsAsync("k")).Should().BeFalse();
        h.Stats().BytesUsed.Should().Be(0);
    }

    [Theory]
    [MemberData(nameof(UnpairedSurrogateCases))]
    public async Task UpdateMetadataAsync_TextWithUnpairedSurrogate_ThrowsAndKeepsTheOldMetadata(int index)
    {
        var metadata = UnpairedSurrogateMetadata(index);
        using var h = new StoreHarness();
        var original = new Dictionary<string, MetadataValue> { ["ok"] = "\uD83D\uDE00 paired is fine" };
        await h.Memory.StoreAsync("k", 1, With(original));

        var merge = async () => await h.Memory.UpdateMetadataAsync("k", metadata, MetadataUpdateMode.Merge);
        var replace = async () => await h.Memory.UpdateMetadataAsync("k", metadata, MetadataUpdateMode.Replace);

        await merge.Should().ThrowAsync<ArgumentException>();
        await replace.Should().ThrowAsync<ArgumentException>();
        (await h.Memory.GetMetadataAsync("k")).Should().Equal(original);
    }

    [Fact]
    public async Task ExecuteBatchAsync_MetadataTextWithUnpairedSurrogate_FailsOnlyThatOperation()
    {
        using var h = new StoreHarness();
        var bad = new MemoryEntryOptions { Metadata = UnpairedSurrogateMetadata(0) };

        var result = await h.Ops.ExecuteBatchAsync([MemoryBatchOperation.Store("bad", 1, bad), MemoryBatchOperation.Store("good", 2)]);

        result.Outcomes.Select(o => o.Status).Should().Equal(MemoryBatchStatus.Failed, MemoryBatchStatus.Stored);
        result.Outcomes[0].Error.Should().BeAssignableTo<ArgumentException>();
        (await h.Memory.ListKeysAsync()).Should().Equal("good");
    }

    private static Dictionary<string, MetadataValue> UnpairedSurrogateMetadata(int index) => index switch
    {
        0 => new() { ["text"] = "broken\uD800" },
        1 => new() { ["broken\uDC00key"] = 1 },
        2 => new() { ["list"] = MetadataValue.FromList("fine", "reversed\uDC00\uD800") },
        3 => new() { ["map"] = MetadataValue.FromMap([KeyValuePair.Create("nested\uD83D", (MetadataValue)1)]) },
        _ => new() { ["deep"] = MetadataValue.FromList(MetadataValue.FromMap([KeyValuePair.Create("k", (MetadataValue)"\uDBFF")])) },
    };

    [Fact]
    public async Task GetMetadataAsync_EntryWithoutMetadata_ReturnsAnEmptyMap()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("k", 1);
        await h.Memory.StoreAsync("emptyMetadata", 1, With(new Dictionary<string, MetadataValue>()));

        (await h.Memory.GetMetadataAsync("k")).Should().NotBeNull().And.BeEmpty();
        (await h.Memory.GetMetadataAsync("emptyMetadata")).Should().NotBeNull().And.BeEmpty();
        (await h.Memory.GetMetadataAsync("missing")).Should().BeNull();
    }

    [Fact]
    public async Task GetMetadataAsync_ReturnsAFreshCopyAndStoreKeepsNoReferenceToTheOptions()
    {
        using var h = new StoreHarness();
        var metadata = new Dictionary<string, MetadataValue> { ["a"] = 1 };
        var options = With(metadata);
        await h.Memory.StoreAsync("k", 1, options);

        metadata["a"] = 2;
        metadata["b"] = 3;
        options.Metadata = null;
        var first = await h.Memory.GetMetadataAsync("k");
        ((IDictionary<string, MetadataValue>)first!)["a"] = 100;

        (await h.Memory.GetMetadataAsync("k")).Should().Equal(new Dictionary<string, MetadataValue> { ["a"] = 1 });
    }

    [Fact]
    public async Task UpdateMetadataAsync_Merge_AddsAndOverwritesFieldsAndKeepsTheOthers()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("k", "v", With(new Dictionary<string, MetadataValue> { ["keep"] = 1, ["change"] = "old" }));

        var updated = await h.Memory.UpdateMetadataAsync("k", new Dictionary<string, MetadataValue> { ["change"] = 2.5, ["add"] = true });

        updated.Should().BeTrue();
        (await h.Memory.GetMetadataAsync("k")).Should().Equal(new Dictionary<string, MetadataValue> { ["keep"] = 1, ["change"] = 2.5, ["add"] = true });
    }

    [Fact]
    public async Task UpdateMetadataAsync_Replace_ReplacesTheWholeMap()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("k", "v", With(new Dictionary<string, MetadataValue> { ["old"] = 1, ["shared"] = 1 }));

        (await h.Memory.UpdateMetadataAsync("k", new Dictionary<string, MetadataValue> { ["shared"] = 2 }, MetadataUpdateMode.Replace)).Should().BeTrue();

        (await h.Memory.GetMetadataAsync("k")).Should().Equal(new Dictionary<string, MetadataValue> { ["shared"] = 2 });
    }

    [Fact]
    public async Task UpdateMetadataAsync_KeepsValueTtlPriorityAndCreationTime()
    {
        using var h = new StoreHarness(o => o.ExpirationScanInterval = TimeSpan.FromDays(1));
        await h.Memory.StoreAsync("k", "v", new MemoryEntryOptions { Ttl = TimeSpan.FromMinutes(1), Priority = MemoryPriority.Critical });
        var before = (await h.Memory.GetEntryInfoAsync("k"))!;
        h.Time.Advance(TimeSpan.FromSeconds(5));

        await h.Memory.UpdateMetadataAsync("k", new Dictionary<string, MetadataValue> { ["a"] = 1 });

        (await h.Memory.RetrieveAsync<string>("k")).Should().Be("v");
        var after = (await h.Memory.GetEntryInfoAsync("k"))!;
        after.ExpiresAt.Should().Be(before.ExpiresAt);
        after.Priority.Should().Be(MemoryPriority.Critical);
        after.CreatedAt.Should().Be(before.CreatedAt);
        after.UpdatedAt.Should().Be(StoreHarness.Epoch.AddSeconds(5));
    }

    [Fact]
    public async Task UpdateMetadataAsync_OnHashAndList_Works()
    {
        using var h = new StoreHarness();
        await h.Ops.SetHashFieldAsync("h", "f", 1);
        await h.Ops.AppendToListAsync("l", [1]);

        (await h.Memory.UpdateMetadataAsync("h", new Dictionary<string, MetadataValue> { ["kind"] = "hash" })).Should().BeTrue();
        (await h.Memory.UpdateMetadataAsync("l", new Dictionary<string, MetadataValue> { ["kind"] = "list" })).Should().BeTrue();
        await h.Ops.SetHashFieldAsync("h", "g", 2);

        (await h.Memory.GetMetadataAsync("h"))!["kind"].Should().Be((MetadataValue)"hash");
        (await h.Memory.GetMetadataAsync("l"))!["kind"].Should().Be((MetadataValue)"list");
    }

    [Fact]
    public async Task UpdateMetadataAsync_MissingKey_ReturnsFalseAndCreatesNothing()
    {
        using var h = new StoreHarness();

        (await h.Memory.UpdateMetadataAsync("missing", new Dictionary<string, MetadataValue> { ["a"] = 1 })).Should().BeFalse();
        (await h.Memory.UpdateMetadataAsync("missing", new Dictionary<string, MetadataValue>(), MetadataUpdateMode.Replace)).Should().BeFalse();

        (await h.Memory.ExistsAsync("missing")).Should().BeFalse();
        h.Stats().EntryCount.Should().Be(0);
    }

    [Fact]
    public async Task UpdateMetadataAsync_UndefinedMode_ThrowsArgumentException()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("k", 1);

        var act = async () => await h.Memory.UpdateMetadataAsync("k", new Dictionary<string, MetadataValue>(), (MetadataUpdateMode)7);

        (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("mode");
    }

    [Fact]
    public async Task UpdateMetadataAsync_NullMetadata_ThrowsArgumentNullException()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("k", 1);

        var act = async () => await h.Memory.UpdateMetadataAsync("k", null!);

        await act.Should().ThrowAsync<ArgumentNullException>();
    }

    [Fact]
    public async Task StoreAsync_OverwriteWithoutMetadata_DropsTheOldMetadata()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("k", 1, With(new Dictionary<string, MetadataValue> { ["a"] = 1 }));

        await h.Memory.StoreAsync("k", 2);

        (await h.Memory.GetMetadataAsync("k")).Should().BeEmpty();
    }

    [Fact]
    public async Task GetMetadataAsync_DoesNotCountAsAHitOrMiss()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("k", 1);

        await h.Memory.GetMetadataAsync("k");
        await h.Memory.GetMetadataAsync("missing");
        await h.Memory.ExistsAsync("k");
        await h.Memory.GetEntryInfoAsync("missing");

        h.Stats().Hits.Should().Be(0);
        h.Stats().Misses.Should().Be(0);
    }
}
