using CsCheck;

namespace AgentMemory.Tests.Semantic;

/// <summary>Random scopes: retrieval returns exactly the memories <see cref="MemoryScope.IsVisibleTo"/> allows.</summary>
public sealed class ScopeVisibilityPropertyTests
{
    private static readonly Gen<MemoryScope> GenScope = Gen.Select(
        Gen.OneOf(Gen.Const((string?)null), Gen.Const((string?)"u1"), Gen.Const((string?)"u2")),
        Gen.OneOf(Gen.Const((string?)null), Gen.Const((string?)"a1")),
        Gen.OneOf(Gen.Const((string?)null), Gen.Const((string?)"s1"), Gen.Const((string?)"s2")),
        Gen.OneOf(Gen.Const((string?)null), Gen.Const((string?)"c1")))
        .Select((u, a, s, c) => new MemoryScope(u, a, s, c));

    [Fact]
    public void Retrieve_ReturnsExactlyTheVisibleMemories()
    {
        Gen.Select(GenScope.Array[1, 15], GenScope, Gen.Bool).Sample((scopes, request, extraFilter) =>
        {
            using var h = new SemanticHarness();
            var stored = scopes.Select((scope, i) => h.Add($"alpha note {i}", scope, importance: 0.5).GetAwaiter().GetResult()).ToList();
            var expected = stored.Where(m => m.Scope.IsVisibleTo(request)).Select(m => m.Id).Order(StringComparer.Ordinal).ToList();

            var results = h.Ask("alpha", request, limit: 50, q => q.MinImportance = extraFilter ? 0.1 : 0).GetAwaiter().GetResult();
            results.Select(r => r.Memory.Id).Order(StringComparer.Ordinal).Should().Equal(expected);
            h.Memory.GetRecentAsync(request, TimeSpan.FromDays(1), 50).AsTask().GetAwaiter().GetResult()
                .Select(r => r.Id).Order(StringComparer.Ordinal).Should().Equal(expected);
        }, iter: 100);
    }
}
