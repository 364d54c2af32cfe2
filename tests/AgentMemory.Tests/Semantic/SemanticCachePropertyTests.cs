using CsCheck;

namespace AgentMemory.Tests.Semantic;

/// <summary>
/// Random operation sequences against two semantic memories on one clock, one with the retrieval caches and one
/// without: every retrieval returns exactly the same memories, scores and score parts.
/// </summary>
public sealed class SemanticCachePropertyTests
{
    private static readonly MemoryScope[] Scopes = [MemoryScope.Shared, MemoryScope.ForUser("u1"), MemoryScope.ForUser("u2"), new MemoryScope("u1", SessionId: "s1")];
    private static readonly string[] Words = ["tea", "coffee", "garden", "jazz", "chess", "hiking", "lisbon", "budget"];

    private static readonly Gen<Op> GenOp = Gen.Frequency(
        (4, Gen.Select(Gen.Int[0, 7], Gen.Int[0, 3], Gen.Int[0, 7], Gen.Int[0, 7], Gen.Int[0, 10]).Select((id, scope, w1, w2, imp) => (Op)new Store(id, scope, $"{Words[w1]} and {Words[w2]}", imp / 10.0))),
        (2, Gen.Select(Gen.Int[0, 7], Gen.Int[0, 7], Gen.Int[0, 10], Gen.Int[0, 3]).Select((id, w, imp, kind) => (Op)new Update(id, Words[w], imp / 10.0, kind))),
        (1, Gen.Int[0, 7].Select(id => (Op)new Delete(id))),
        (1, Gen.Int[1, 30].Select(hours => (Op)new Advance(hours))),
        (1, Gen.Const((Op)new Consolidate())),
        (6, Gen.Select(Gen.Int[0, 7], Gen.Int[0, 3], Gen.Bool, Gen.Int[0, 2]).Select((w, scope, touch, filter) => (Op)new Retrieve(Words[w], scope, touch, filter))),
        (2, Gen.Select(Gen.Int[0, 7].Array[2, 4], Gen.Int[0, 3], Gen.Int[0, 3]).Select((ws, scope, aggregation) => (Op)new RetrieveMulti([.. ws.Select(w => Words[w])], scope, (MultiQueryAggregation)aggregation))));

    [Fact]
    public void CachedRetrieval_EqualsUncachedRetrieval()
    {
        GenOp.Array[1, 40].Sample(ops =>
        {
            using var cached = new SemanticHarness();
            using var plain = new SemanticHarness(configure: o => { o.Cache.ResultCapacity = 0; o.Cache.EmbeddingCapacity = 0; }, time: cached.Time);
            var scopeOf = new Dictionary<int, MemoryScope>();
            foreach (var op in ops)
            {
                switch (op)
                {
                    case Store s when !scopeOf.TryGetValue(s.Id, out var existing) || existing == Scopes[s.Scope]:
                        scopeOf[s.Id] = Scopes[s.Scope];
                        foreach (var h in new[] { cached, plain })
                        {
                            h.Add(s.Content, Scopes[s.Scope], importance: s.Importance, id: $"m{s.Id}", metadata: new Dictionary<string, MetadataValue> { ["w"] = s.Content[..3] }).GetAwaiter().GetResult();
                        }

                        break;
                    case Update u when scopeOf.TryGetValue(u.Id, out var scope):
                        var update = u.Kind switch
                        {
                            0 => new MemoryUpdate { Content = $"{u.Word} update" },
                            1 => new MemoryUpdate { Importance = u.Importance },
                            2 => new MemoryUpdate { Metadata = new Dictionary<string, MetadataValue> { ["w"] = u.Word[..3] } },
                            _ => new MemoryUpdate { Type = MemoryType.Preference },
                        };
                        cached.Memory.UpdateAsync($"m{u.Id}", scope, update).AsTask().GetAwaiter().GetResult();
                        plain.Memory.UpdateAsync($"m{u.Id}", scope, update).AsTask().GetAwaiter().GetResult();
                        break;
                    case Delete d when scopeOf.Remove(d.Id, out var scope):
                        cached.Memory.DeleteAsync($"m{d.Id}", scope).AsTask().GetAwaiter().GetResult();
                        plain.Memory.DeleteAsync($"m{d.Id}", scope).AsTask().GetAwaiter().GetResult();
                        break;
                    case Advance a:
                        cached.Time.Advance(TimeSpan.FromHours(a.Hours));
                        break;
                    case Consolidate:
                        var options = new SemanticConsolidationOptions { SimilarityThreshold = 0.95, ImportanceHalfLife = TimeSpan.FromHours(20) };
                        var left = cached.Memory.ConsolidateAsync(options).AsTask().GetAwaiter().GetResult();
                        var right = plain.Memory.ConsolidateAsync(options).AsTask().GetAwaiter().GetResult();
                        left.RemovedIds.Should().Equal(right.RemovedIds);
                        foreach (var gone in left.RemovedIds.Concat(left.Merged.Values.SelectMany(v => v)))
                        {
                            scopeOf.Remove(int.Parse(gone[1..], System.Globalization.CultureInfo.InvariantCulture));
                        }

                        break;
                    case RetrieveMulti rm:
                        var template = new MemoryQuery { Text = "", Scope = Scopes[rm.Scope], Limit = 5 };
                        var expectedMulti = plain.Memory.RetrieveMultiAsync(rm.Texts, template, rm.Aggregation).AsTask().GetAwaiter().GetResult();
                        var actualMulti = cached.Memory.RetrieveMultiAsync(rm.Texts, template, rm.Aggregation).AsTask().GetAwaiter().GetResult();
                        // Cached queries were scored by the single-query kernel and the rest by the batched one, whose
                        // float sums round differently (last few bits): same ids, scores equal to float precision.
                        actualMulti.Select(x => x.Memory.Id).Should().Equal(expectedMulti.Select(x => x.Memory.Id));
                        for (var i = 0; i < actualMulti.Count; i++)
                        {
                            actualMulti[i].Score.Should().BeApproximately(expectedMulti[i].Score, 1e-6);
                            actualMulti[i].Relevance.Should().BeApproximately(expectedMulti[i].Relevance, 1e-6);
                        }
                        break;
                    case Retrieve r:
                        void Configure(MemoryQuery q)
                        {
                            q.UpdateAccessStatistics = r.Touch;
                            q.MinImportance = r.Filter == 1 ? 0.3 : 0;
                            q.Types = r.Filter == 2 ? [MemoryType.Semantic] : null;
                        }

                        var expected = plain.Ask(r.Text, Scopes[r.Scope], 5, Configure).GetAwaiter().GetResult();
                        var actual = cached.Ask(r.Text, Scopes[r.Scope], 5, Configure).GetAwaiter().GetResult();
                        actual.Select(x => (x.Memory.Id, x.Score, x.Relevance, x.Recency, x.Importance, x.Memory.AccessCount))
                            .Should().Equal(expected.Select(x => (x.Memory.Id, x.Score, x.Relevance, x.Recency, x.Importance, x.Memory.AccessCount)));
                        break;
                }
            }
        }, iter: 60);
    }

    private abstract record Op;

    private sealed record Store(int Id, int Scope, string Content, double Importance) : Op;

    private sealed record Update(int Id, string Word, double Importance, int Kind) : Op;

    private sealed record Delete(int Id) : Op;

    private sealed record Advance(int Hours) : Op;

    private sealed record Consolidate : Op;

    private sealed record Retrieve(string Text, int Scope, bool Touch, int Filter) : Op;

    private sealed record RetrieveMulti(string[] Texts, int Scope, MultiQueryAggregation Aggregation) : Op;
}
