using System.Globalization;

namespace AgentMemory.Tests.Storage;

public sealed class InMemoryStoreKeysTests
{
    [Fact]
    public async Task ListKeysPageAsync_PagesThroughEveryKeyExactlyOnceInOrdinalOrder()
    {
        using var h = new StoreHarness();
        var expected = Enumerable.Range(0, 25).Select(i => $"k{i.ToString("00", CultureInfo.InvariantCulture)}").ToList();
        foreach (var key in expected.AsEnumerable().Reverse())
        {
            await h.Memory.StoreAsync(key, 1);
        }

        var pages = new List<IReadOnlyList<string>>();
        string? token = null;
        do
        {
            var page = await h.Memory.ListKeysPageAsync("k*", token, pageSize: 10);
            pages.Add(page.Keys);
            token = page.ContinuationToken;
        }
        while (token is not null);

        pages.Select(p => p.Count).Should().Equal(10, 10, 5);
        pages.SelectMany(p => p).Should().Equal(expected);
    }

    [Fact]
    public async Task ListKeysPageAsync_ExactlyOneFullPage_HasNoContinuation()
    {
        using var h = new StoreHarness();
        for (var i = 0; i < 10; i++)
        {
            await h.Memory.StoreAsync($"k{i}", i);
        }

        var page = await h.Memory.ListKeysPageAsync(pageSize: 10);

        page.Keys.Should().HaveCount(10);
        page.ContinuationToken.Should().BeNull();
    }

    [Fact]
    public async Task ListKeysPageAsync_KeysDeletedBetweenPages_AreSkippedAndTheRestStillComeOnce()
    {
        using var h = new StoreHarness();
        foreach (var key in new[] { "a", "b", "c", "d", "e" })
        {
            await h.Memory.StoreAsync(key, 1);
        }

        var first = await h.Memory.ListKeysPageAsync(pageSize: 2);
        await h.Memory.DeleteAsync("b");
        await h.Memory.DeleteAsync("c");
        var second = await h.Memory.ListKeysPageAsync(continuationToken: first.ContinuationToken, pageSize: 2);

        first.Keys.Should().Equal("a", "b");
        second.Keys.Should().Equal("d", "e");
        second.ContinuationToken.Should().BeNull();
    }

    [Fact]
    public async Task EnumerateKeysAsync_YieldsEveryMatchingKey()
    {
        using var h = new StoreHarness();
        for (var i = 0; i < 30; i++)
        {
            await h.Memory.StoreAsync($"item:{i}", i);
            await h.Memory.StoreAsync($"other:{i}", i);
        }

        var keys = new List<string>();
        await foreach (var key in h.Memory.EnumerateKeysAsync("item:*", pageSize: 4))
        {
            keys.Add(key);
        }

        keys.Should().HaveCount(30).And.OnlyHaveUniqueItems().And.OnlyContain(k => k.StartsWith("item:", StringComparison.Ordinal));
        keys.Should().BeInAscendingOrder(StringComparer.Ordinal);
    }

    [Fact]
    public async Task ListKeysPageAsync_ForeignContinuationToken_ThrowsArgumentException()
    {
        using var h = new StoreHarness();

        var act = async () => await h.Memory.ListKeysPageAsync(continuationToken: "not-a-token");

        (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("continuationToken");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task ListKeysAsync_LimitBelowOne_ThrowsArgumentOutOfRange(int limit)
    {
        using var h = new StoreHarness();

        var list = async () => await h.Memory.ListKeysAsync(limit: limit);
        var page = async () => await h.Memory.ListKeysPageAsync(pageSize: limit);

        await list.Should().ThrowAsync<ArgumentOutOfRangeException>();
        await page.Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    [Fact]
    public async Task ListKeysAsync_IncludesHashesAndListsAndExcludesDeletedKeys()
    {
        using var h = new StoreHarness();
        await h.Memory.StoreAsync("v", 1);
        await h.Ops.SetHashFieldAsync("h", "f", 1);
        await h.Ops.AppendToListAsync("l", [1]);
        await h.Memory.StoreAsync("gone", 1);
        await h.Memory.DeleteAsync("gone");

        (await h.Memory.ListKeysAsync()).Should().Equal("h", "l", "v");
        (await h.Memory.ListKeysAsync("gone")).Should().BeEmpty();
    }

    [Fact]
    public async Task ListKeysAsync_Cancelled_Throws()
    {
        using var h = new StoreHarness();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var act = async () => await h.Memory.ListKeysAsync(cancellationToken: cts.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
    }
}
