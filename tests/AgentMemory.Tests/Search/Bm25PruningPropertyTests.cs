using AgentMemory.Search;
using CsCheck;

namespace AgentMemory.Tests.Search;

/// <summary>BM25 with MaxScore pruning returns exactly what the full term-at-a-time scan returns.</summary>
public sealed class Bm25PruningPropertyTests
{
    private static readonly string[] Vocabulary = [.. Enumerable.Range(0, 40).Select(i => $"w{i}x")];

    /// <summary>Skewed word choice: low indexes are common (low IDF), high ones rare.</summary>
    private static readonly Gen<string> GenWord = Gen.Int[0, 39].Select(Gen.Int[0, 39]).Select((a, b) => Vocabulary[Math.Min(a, b)]);

    [Fact]
    public void PrunedSearch_EqualsFullSearch()
    {
        long pruning = 0;
        Gen.Select(GenWord.Array[1, 12].Array[1, 80], GenWord.Array[1, 5].Array[1, 6], Gen.Int[1, 12], Gen.Int[1, 3]).Sample((docs, queries, k, partitionCount) =>
        {
            using var pruned = new Bm25Index();
            using var full = new Bm25Index();
            full.Pruning = false;
            for (var d = 0; d < docs.Length; d++)
            {
                var text = string.Join(' ', docs[d]);
                pruned.Upsert($"d{d}", text, null, d % partitionCount);
                full.Upsert($"d{d}", text, null, d % partitionCount);
            }

            var visible = Enumerable.Range(0, partitionCount).Select(p => p != 1).ToArray();
            foreach (var query in queries.Select(q => string.Join(' ', q)))
            {
                pruned.Search(query, k).Should().Equal(full.Search(query, k));
                pruned.Search(query, k, visible, null).Should().Equal(full.Search(query, k, visible, null));
            }

            Interlocked.Add(ref pruning, pruned.PrunedSearches);
            full.PrunedSearches.Should().Be(0);
        }, iter: 300);
        pruning.Should().BeGreaterThan(50, "the random corpora must exercise the pruned path");
    }
}
