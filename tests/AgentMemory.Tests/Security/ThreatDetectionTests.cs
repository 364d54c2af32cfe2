using AgentMemory.Security;

namespace AgentMemory.Tests.Security;

public sealed class ThreatDetectionTests : IDisposable
{
    private readonly SecurityHarness _h = new(o =>
    {
        o.EncryptedKeyPatterns.Add("secret:*");
        o.ThreatDetection.DeniedBurstThreshold = 5;
        o.ThreatDetection.DeniedBurstWindow = TimeSpan.FromMinutes(1);
        o.ThreatDetection.ReadVolumeThreshold = 50;
        o.ThreatDetection.ReadVolumeWindow = TimeSpan.FromMinutes(1);
        o.ThreatDetection.SensitiveKeyThreshold = 10;
        o.ThreatDetection.SensitiveKeyWindow = TimeSpan.FromMinutes(5);
        o.ThreatDetection.MaxEvidence = 20;
    });

    [Fact]
    public async Task NormalLoad_RaisesNothing()
    {
        await _h.Security.GrantAccessAsync("agent", "*", MemoryAction.Read | MemoryAction.Write);
        var agent = _h.As("agent");
        var intruder = _h.As("intruder");

        // An hour of ordinary work: a few reads and writes a minute, a few secrets, an occasional denial.
        for (var minute = 0; minute < 60; minute++)
        {
            for (var i = 0; i < 10; i++)
            {
                await agent.StoreAsync($"notes:{i}", minute);
                await agent.RetrieveAsync<int>($"notes:{i}");
            }

            await agent.StoreAsync($"secret:{minute % 3}", "s");
            await agent.RetrieveAsync<string>($"secret:{minute % 3}");
            if (minute % 10 == 0)
            {
                var act = async () => await intruder.RetrieveAsync<string>("notes:1");
                await act.Should().ThrowAsync<MemoryAccessDeniedException>();
            }

            _h.Time.Advance(TimeSpan.FromMinutes(1));
        }

        (await _h.Security.DetectThreatsAsync(TimeSpan.FromHours(2))).Should().BeEmpty();
    }

    [Fact]
    public async Task DeniedBurst_ByOnePrincipal_IsReportedWithEvidence()
    {
        var prober = _h.As("prober");
        for (var i = 0; i < 6; i++)
        {
            var act = async () => await prober.RetrieveAsync<string>($"admin:{i}");
            await act.Should().ThrowAsync<MemoryAccessDeniedException>();
            _h.Time.Advance(TimeSpan.FromSeconds(5));
        }

        var threat = (await _h.Security.DetectThreatsAsync(TimeSpan.FromHours(1))).Should().ContainSingle().Which;
        threat.Kind.Should().Be(MemoryThreatKind.DeniedAccessBurst);
        threat.Severity.Should().Be(MemoryThreatSeverity.High);
        threat.PrincipalId.Should().Be("prober");
        threat.Evidence.Should().HaveCount(6).And.OnlyContain(e => e.Record.Result == MemoryAuditResult.Denied);
        threat.WindowStart.Should().Be(SecurityHarness.Epoch);
        threat.WindowEnd.Should().Be(SecurityHarness.Epoch.AddSeconds(25));
    }

    [Fact]
    public async Task DeniedCalls_SpreadWiderThanTheWindow_AreNotABurst()
    {
        var prober = _h.As("prober");
        for (var i = 0; i < 12; i++)
        {
            var act = async () => await prober.RetrieveAsync<string>("admin:x");
            await act.Should().ThrowAsync<MemoryAccessDeniedException>();
            _h.Time.Advance(TimeSpan.FromSeconds(20));
        }

        (await _h.Security.DetectThreatsAsync(TimeSpan.FromHours(1))).Should().BeEmpty("at most 3 denials fall in any one minute");
    }

    [Fact]
    public async Task UnusualReadVolume_IsReported()
    {
        await _h.Security.GrantAccessAsync("bulk", "data:*", MemoryAction.Read);
        var bulk = _h.As("bulk");
        for (var i = 0; i < 60; i++)
        {
            await bulk.RetrieveAsync<string>($"data:{i % 5}");
        }

        var threats = await _h.Security.DetectThreatsAsync(TimeSpan.FromMinutes(10));

        threats.Should().ContainSingle(t => t.Kind == MemoryThreatKind.UnusualReadVolume)
            .Which.Should().Match<MemorySecurityThreat>(t => t.PrincipalId == "bulk" && t.Severity == MemoryThreatSeverity.Medium && t.Evidence.Count == 20);
    }

    [Fact]
    public async Task ManyDistinctSensitiveKeys_InAShortWindow_IsASweep()
    {
        await _h.Security.GrantAccessAsync("curious", "*", MemoryAction.Read);
        var curious = _h.As("curious");
        for (var i = 0; i < 12; i++)
        {
            await curious.RetrieveAsync<string>($"secret:user:{i}");
            _h.Time.Advance(TimeSpan.FromSeconds(10));
        }

        var sweep = (await _h.Security.DetectThreatsAsync(TimeSpan.FromHours(1))).Should().ContainSingle().Which;
        sweep.Kind.Should().Be(MemoryThreatKind.SensitiveKeySweep);
        sweep.Description.Should().Contain("12 distinct sensitive keys");
    }

    [Fact]
    public async Task SameSensitiveKeyReadOften_IsNotASweep()
    {
        await _h.Security.GrantAccessAsync("steady", "*", MemoryAction.Read);
        var steady = _h.As("steady");
        for (var i = 0; i < 40; i++)
        {
            await steady.RetrieveAsync<string>($"secret:{i % 3}");
            _h.Time.Advance(TimeSpan.FromSeconds(5));
        }

        (await _h.Security.DetectThreatsAsync(TimeSpan.FromHours(1))).Should().BeEmpty();
    }

    [Fact]
    public async Task RetiredKeyUse_AndTampering_AreReported()
    {
        var admin = await _h.AdminAsync();
        await admin.StoreAsync("secret:old", "v");
        await admin.StoreAsync("secret:other", "w");
        _h.Keys.RotateKey();
        _h.Keys.RetireKey("k1");
        var read = async () => await admin.RetrieveAsync<string>("secret:old");
        await read.Should().ThrowAsync<MemorySecurityException>();
        await _h.Inner.StoreAsync("secret:other", new byte[] { 1, 2, 3 });
        var tampered = async () => await admin.RetrieveAsync<string>("secret:other");
        await tampered.Should().ThrowAsync<MemorySecurityException>();

        var threats = await _h.Security.DetectThreatsAsync(TimeSpan.FromHours(1));

        threats.Select(t => t.Kind).Should().Equal(MemoryThreatKind.TamperedData, MemoryThreatKind.RetiredKeyUse);
        threats[0].Severity.Should().Be(MemoryThreatSeverity.Critical);
        threats[1].Evidence.Should().ContainSingle().Which.Record.Resource.Should().Be("secret:old");
    }

    [Fact]
    public async Task DetectionWindow_LooksOnlyBackThatFar()
    {
        var prober = _h.As("prober");
        for (var i = 0; i < 6; i++)
        {
            var act = async () => await prober.RetrieveAsync<string>("x");
            await act.Should().ThrowAsync<MemoryAccessDeniedException>();
        }

        _h.Time.Advance(TimeSpan.FromHours(2));

        (await _h.Security.DetectThreatsAsync(TimeSpan.FromHours(1))).Should().BeEmpty();
        (await _h.Security.DetectThreatsAsync(TimeSpan.FromHours(3))).Should().ContainSingle();
    }

    [Fact]
    public void Options_InvalidThresholds_FailWithTheOptionName()
    {
        var options = new MemorySecurityOptions();
        options.ThreatDetection.DeniedBurstThreshold = 0;
        options.ThreatDetection.ReadVolumeWindow = TimeSpan.Zero;
        options.EncryptedKeyPatterns.Add("bad[");

        var errors = options.Validate();

        errors.Should().HaveCount(3);
        errors.Should().Contain(e => e.Contains("ThreatDetection.DeniedBurstThreshold")).And.Contain(e => e.Contains("ReadVolumeWindow")).And.Contain(e => e.Contains("EncryptedKeyPatterns"));
        var act = () => new MemorySecurity(_h.Inner, _h.Inner, _h.Keys, _h.Audit, options);
        act.Should().Throw<ArgumentException>();
    }

    public void Dispose() => _h.Dispose();
}
