using AgentMemory.Security;

namespace AgentMemory.Tests.Security;

public sealed class SharedMemoryTests : IDisposable
{
    private readonly SecurityHarness _h = new(o => o.EncryptedKeyPatterns.Add("shared:*"));

    [Fact]
    public async Task SharedMemory_AllowedAgentsShare_OthersAreRefused_AndAccessChangesAtRunTime()
    {
        var registry = new SharedMemoryRegistry(_h.Security);
        var team = await registry.CreateAsync("research", ["planner", "writer"]);
        var planner = _h.As("planner");
        var writer = _h.As("writer");
        var outsider = _h.As("outsider");

        await planner.StoreAsync(team.Key("plan"), "step 1");
        (await writer.RetrieveAsync<string>(team.Key("plan"))).Should().Be("step 1");
        (await _h.Inner.RetrieveAsync<byte[]>(team.Key("plan"))).Should().NotBeNull("shared memories can be encrypted like any key");
        var refused = async () => await outsider.RetrieveAsync<string>(team.Key("plan"));
        await refused.Should().ThrowAsync<MemoryAccessDeniedException>();
        (await registry.AccessAsync("research", new MemoryPrincipal("outsider"), _h.Store)).Should().BeNull();

        (await registry.GrantAccessAsync("research", "outsider")).Should().BeTrue();
        var access = await registry.AccessAsync("research", new MemoryPrincipal("outsider"), _h.Store);
        access.Should().NotBeNull();
        (await access!.Value.Store.RetrieveAsync<string>(access.Value.Memory.Key("plan"))).Should().Be("step 1");

        (await registry.RevokeAccessAsync("research", "writer")).Should().BeTrue();
        var revoked = async () => await writer.RetrieveAsync<string>(team.Key("plan"));
        await revoked.Should().ThrowAsync<MemoryAccessDeniedException>();
        (await registry.GetAgentsAsync("research")).Should().Equal("outsider", "planner");
        (await planner.ListKeysAsync("shared:*")).Should().Equal(team.Key("plan"));
    }

    [Fact]
    public async Task SharedMemories_AreIsolatedFromEachOther()
    {
        var registry = new SharedMemoryRegistry(_h.Security);
        var a = await registry.CreateAsync("a", ["agent-a"]);
        var b = await registry.CreateAsync("ab", ["agent-b"]);
        await _h.As("agent-b").StoreAsync(b.Key("x"), 1);

        var act = async () => await _h.As("agent-a").RetrieveAsync<int>(b.Key("x"));

        await act.Should().ThrowAsync<MemoryAccessDeniedException>();
        a.Pattern.Should().Be("shared:a:*");
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("star*")]
    public async Task InvalidNames_AreRejected(string name)
    {
        var act = async () => await new SharedMemoryRegistry(_h.Security).CreateAsync(name, ["agent"]);

        await act.Should().ThrowAsync<ArgumentException>();
    }

    public void Dispose() => _h.Dispose();
}
