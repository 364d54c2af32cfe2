using AgentMemory.Search;

namespace AgentMemory.Tests.Search;

public sealed class HybridFusionTests
{
    private static readonly SearchHit[] Keyword = [new("a", 9), new("b", 5), new("c", 1)];
    private static readonly SearchHit[] Vector = [new("c", 0.9), new("a", 0.8), new("d", 0.1)];

    [Fact]
    public void ReciprocalRank_SumsReciprocalRanks()
    {
        var fused = HybridFusion.ReciprocalRank([Keyword, Vector], 10);
        fused.Select(h => h.Id).Should().Equal("a", "c", "b", "d");
        fused[0].Score.Should().BeApproximately((1.0 / 61) + (1.0 / 62), 1e-12);
        fused[3].Score.Should().BeApproximately(1.0 / 63, 1e-12);
        HybridFusion.ReciprocalRank([Keyword, Vector], 2).Should().HaveCount(2);
    }

    [Fact]
    public void ReciprocalRank_Weighted_FavoursHeavierRanking()
    {
        var fused = HybridFusion.ReciprocalRank([Keyword, Vector], 10, weights: [0.1, 1.0], rankConstant: 1);
        fused[0].Id.Should().Be("c");
    }

    [Fact]
    public void WeightedScore_NormalizesEachRanking()
    {
        var fused = HybridFusion.WeightedScore([Keyword, Vector], [0.5, 0.5], 10);
        // a: 0.5*1 + 0.5*(0.7/0.8); c: 0.5*0 + 0.5*1; b: 0.5*0.5; d: 0.
        fused.Select(h => h.Id).Should().Equal("a", "c", "b", "d");
        fused[0].Score.Should().BeApproximately(0.5 + (0.5 * 0.875), 1e-12);
    }

    [Fact]
    public void BadArguments_Throw()
    {
        FluentActions.Invoking(() => HybridFusion.ReciprocalRank([Keyword], 10, weights: [1, 2])).Should().Throw<ArgumentException>().WithMessage("*2 weights for 1*");
        FluentActions.Invoking(() => HybridFusion.WeightedScore([Keyword], [-1], 10)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => HybridFusion.ReciprocalRank([Keyword], 0)).Should().Throw<ArgumentOutOfRangeException>();
        HybridFusion.ReciprocalRank([], 3).Should().BeEmpty();
    }
}
