using AgentMemory.Security;

namespace AgentMemory.Tests.Security;

public sealed class SecuredStoreSoakTests : IDisposable
{
    private readonly SecurityHarness _h = new(o => o.EncryptedKeyPatterns.Add("agent*:secret:*"), maxEncryptionsPerKey: 97);

    [Fact]
    public async Task ManyAgents_ReadWriteEncryptedValues_WhileRulesChangeAndKeysRotate_AndTheAuditChainStaysValid()
    {
        const int Agents = 6;
        const int Rounds = 150;
        for (var a = 0; a < Agents; a++)
        {
            await _h.Security.GrantAccessAsync($"agent{a}", $"agent{a}:*", MemoryAction.Read | MemoryAction.Write | MemoryAction.Delete);
        }

        using var start = new Barrier(Agents + 1);
        var workers = Enumerable.Range(0, Agents).Select(a => Task.Factory.StartNew(
            async () =>
            {
                var me = _h.As($"agent{a}");
                var neighbour = _h.As($"agent{(a + 1) % Agents}");
                start.SignalAndWait();
                for (var i = 0; i < Rounds; i++)
                {
                    var key = $"agent{a}:secret:{i % 10}";
                    await me.StoreAsync(key, $"{a}-{i}");
                    (await me.RetrieveAsync<string>(key)).Should().Be($"{a}-{i}");
                    await me.SetHashFieldAsync($"agent{a}:secret:h", $"f{i % 5}", i);
                    var denied = async () => await neighbour.RetrieveAsync<string>(key);
                    await denied.Should().ThrowAsync<MemoryAccessDeniedException>();
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap()).ToList();
        var churn = Task.Factory.StartNew(
            async () =>
            {
                start.SignalAndWait();
                for (var i = 0; i < 50; i++)
                {
                    await _h.Security.GrantAccessAsync("auditor", $"agent{i % Agents}:*", MemoryAction.Read);
                    await _h.Security.RevokeAccessAsync("auditor", $"agent{i % Agents}:*", MemoryAction.Read);
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap();

        await Task.WhenAll([.. workers, churn]);

        (await _h.Security.VerifyAuditLogAsync()).IsValid.Should().BeTrue();
        var entries = await _h.AuditEntriesAsync();
        entries.Count(e => e.Record.Result == MemoryAuditResult.Denied).Should().Be(Agents * Rounds);
        _h.Keys.GetKeys().Count.Should().BeGreaterThan(1, "the active key rotated automatically under load");
        for (var a = 0; a < Agents; a++)
        {
            (await _h.As($"agent{a}").GetHashAsync<int>($"agent{a}:secret:h")).Should().HaveCount(5);
            (await _h.As($"agent{a}").RetrieveAsync<string>($"agent{a}:secret:9")).Should().Be($"{a}-{Rounds - 1}");
        }

        (await _h.Security.GetAccessRulesAsync()).Should().HaveCount(Agents);
    }

    public void Dispose() => _h.Dispose();
}
