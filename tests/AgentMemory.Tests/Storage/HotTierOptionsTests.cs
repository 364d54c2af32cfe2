using AgentMemory.Storage;

namespace AgentMemory.Tests.Storage;

public sealed class HotTierOptionsTests
{
    [Theory]
    [InlineData("MaxEntries")]
    [InlineData("MaxBytes")]
    [InlineData("ExpirationScanInterval")]
    [InlineData("MaxExpirationsPerScan")]
    public void InMemoryStoreConstructor_InvalidOption_ThrowsArgumentExceptionNamingIt(string option)
    {
        var options = new HotTierOptions();
        switch (option)
        {
            case "MaxEntries":
                options.MaxEntries = 0;
                break;
            case "MaxBytes":
                options.MaxBytes = 0;
                break;
            case "ExpirationScanInterval":
                options.ExpirationScanInterval = TimeSpan.FromTicks(-1);
                break;
            default:
                options.MaxExpirationsPerScan = -5;
                break;
        }

        var act = () => new InMemoryStore(options);

        var thrown = act.Should().Throw<ArgumentException>().Which;
        thrown.ParamName.Should().Be("options");
        thrown.Message.Should().Contain($"HotTierOptions.{option}");
    }

    [Fact]
    public void Validate_Defaults_AreValid()
    {
        var options = new HotTierOptions();

        options.Validate().Should().BeEmpty();
        options.MaxEntries.Should().BeNull();
        options.MaxBytes.Should().BeNull();
        options.ExpirationScanInterval.Should().Be(TimeSpan.FromSeconds(1));
        options.MaxExpirationsPerScan.Should().Be(10_000);
    }

    [Fact]
    public void Validate_Boundaries_AcceptTheExtremesAllowed()
    {
        var options = new HotTierOptions
        {
            MaxEntries = 1,
            MaxBytes = 1,
            ExpirationScanInterval = TimeSpan.FromDays(1),
            MaxExpirationsPerScan = 1,
        };

        options.Validate().Should().BeEmpty();
        using var store = new InMemoryStore(options);
    }

    [Fact]
    public void Validate_ScanIntervalOverOneDay_IsRejected()
    {
        var options = new HotTierOptions { ExpirationScanInterval = TimeSpan.FromDays(1) + TimeSpan.FromTicks(1) };

        options.Validate("Prefix").Should().ContainSingle().Which.Should().StartWith("Prefix.ExpirationScanInterval");
    }

    [Fact]
    public void Validate_EveryOptionWrong_ListsEachProblem()
    {
        var options = new HotTierOptions { MaxEntries = -1, MaxBytes = 0, ExpirationScanInterval = TimeSpan.Zero, MaxExpirationsPerScan = 0 };

        options.Validate("P").Should().HaveCount(4).And.SatisfyRespectively(
            e => e.Should().StartWith("P.MaxEntries"),
            e => e.Should().StartWith("P.MaxBytes"),
            e => e.Should().StartWith("P.ExpirationScanInterval"),
            e => e.Should().StartWith("P.MaxExpirationsPerScan"));
    }

    [Fact]
    public async Task InMemoryStoreConstructor_CopiesTheOptions()
    {
        var options = new HotTierOptions { MaxEntries = 1 };
        using var store = new InMemoryStore(options);

        options.MaxEntries = 100;
        await store.StoreAsync("a", 1);
        await store.StoreAsync("b", 2);

        (await store.GetStatisticsAsync()).EntryCount.Should().Be(1);
    }
}
