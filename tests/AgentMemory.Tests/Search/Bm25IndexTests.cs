using AgentMemory.Search;
using CsCheck;

namespace AgentMemory.Tests.Search;

public sealed class Bm25IndexTests
{
    [Fact]
    public void Search_RanksByBm25()
    {
        using var index = new Bm25Index();
        index.Upsert("a", "coffee coffee coffee");
        index.Upsert("b", "coffee and tea in the morning with friends and family");
        index.Upsert("c", "green tea");
        index.Upsert("d", "nothing relevant here");

        var hits = index.Search("coffee", 10);
        hits.Select(h => h.Id).Should().Equal("a", "b");

        // Hand-computed: N = 4, lengths after stop words 3, 5, 2, 3, so avgdl = 3.25; df(coffee) = 2.
        var idf = Math.Log(1 + ((4 - 2 + 0.5) / (2 + 0.5)));
        var expectedA = idf * 3 * 2.2 / (3 + (1.2 * (0.25 + (0.75 * 3 / 3.25))));
        hits[0].Score.Should().BeApproximately(expectedA, 1e-5);

        index.Search("tea", 10).Select(h => h.Id).Should().Equal("c", "b");
        index.Search("the and", 10).Should().BeEmpty("stop words are not indexed");
        index.Search("unknown", 10).Should().BeEmpty();
        index.Search("coffee tea", 1).Select(h => h.Id).Should().ContainSingle();
    }

    [Fact]
    public void Upsert_Replace_And_Remove_UpdatePostings()
    {
        using var index = new Bm25Index();
        index.Upsert("a", "apples").Should().BeTrue();
        index.Upsert("a", "bananas").Should().BeFalse();
        index.Search("apples", 5).Should().BeEmpty();
        index.Search("bananas", 5).Select(h => h.Id).Should().Equal("a");
        index.Remove("a").Should().BeTrue();
        index.Remove("a").Should().BeFalse();
        index.Search("bananas", 5).Should().BeEmpty();
        index.Count.Should().Be(0);
        index.Contains("a").Should().BeFalse();
    }

    [Fact]
    public void Search_Filter_RestrictsIds()
    {
        using var index = new Bm25Index();
        index.Upsert("u1:a", "pizza");
        index.Upsert("u2:a", "pizza");
        index.Search("pizza", 5, id => id.StartsWith("u2:", StringComparison.Ordinal)).Select(h => h.Id).Should().Equal("u2:a");
    }

    [Fact]
    public void Options_Invalid_Throw()
    {
        FluentActions.Invoking(() => new Bm25Index(new Bm25Options { K1 = -1 })).Should().Throw<ArgumentException>().WithMessage("*K1*");
        FluentActions.Invoking(() => new Bm25Index(new Bm25Options { B = 1.5 })).Should().Throw<ArgumentException>().WithMessage("*B must*");
        using var index = new Bm25Index();
        FluentActions.Invoking(() => index.Search("x", 0)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void IncrementalUpdates_EqualIndexBuiltFromScratch()
    {
        string[] words = ["alpha", "beta", "gamma", "delta", "the", "epsilon"];
        var genText = Gen.OneOf(words.Select(Gen.Const).ToArray()).Array[0, 8].Select(w => string.Join(' ', w));
        var genOp = Gen.Select(Gen.Int[0, 9], Gen.Bool, genText);
        Gen.Select(genOp.Array[1, 40], genText).Sample((ops, query) =>
        {
            using var incremental = new Bm25Index();
            var model = new Dictionary<string, string>();
            foreach (var (id, remove, text) in ops)
            {
                if (remove)
                {
                    incremental.Remove($"d{id}").Should().Be(model.Remove($"d{id}"));
                }
                else
                {
                    incremental.Upsert($"d{id}", text);
                    model[$"d{id}"] = text;
                }
            }

            using var rebuilt = new Bm25Index();
            foreach (var (id, text) in model.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                rebuilt.Upsert(id, text);
            }

            var expected = rebuilt.Search(query, 20);
            var actual = incremental.Search(query, 20);
            actual.Select(h => h.Id).Should().Equal(expected.Select(h => h.Id));
            actual.Select(h => h.Score).Should().Equal(expected.Select(h => h.Score), (a, b) => Math.Abs(a - b) < 1e-5);
        }, iter: 300);
    }

    [Fact]
    public async Task ConcurrentUpsertsAndSearches_StayConsistent()
    {
        using var index = new Bm25Index();
        using var barrier = new Barrier(3);
        var writer = Task.Run(() =>
        {
            barrier.SignalAndWait();
            for (var i = 0; i < 2000; i++)
            {
                index.Upsert($"d{i % 50}", i % 2 == 0 ? "red apple" : "green pear");
                if (i % 7 == 0)
                {
                    index.Remove($"d{(i + 3) % 50}");
                }
            }
        });
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            barrier.SignalAndWait();
            var bad = 0;
            for (var i = 0; i < 500; i++)
            {
                var hits = index.Search("apple", 100);
                bad += hits.Count(h => h.Score <= 0 || double.IsNaN(h.Score));
            }

            return bad;
        })).ToArray();
        await writer;
        (await Task.WhenAll(readers)).Should().AllSatisfy(b => b.Should().Be(0));
        index.Search("apple", 100).Select(h => h.Id).Should().OnlyHaveUniqueItems();
    }
}
