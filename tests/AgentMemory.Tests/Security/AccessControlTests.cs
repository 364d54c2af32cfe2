using AgentMemory.Security;

namespace AgentMemory.Tests.Security;

public sealed class AccessControlTests : IDisposable
{
    private readonly SecurityHarness _h = new(o => o.EncryptedKeyPatterns.Add("secret:*"));

    public static TheoryData<string, string, MemoryAction, bool> Matrix()
    {
        // principal x resource x action -> allowed, under the rules granted in GrantMatrixRulesAsync.
        var data = new TheoryData<string, string, MemoryAction, bool>();
        foreach (var action in new[] { MemoryAction.Read, MemoryAction.Write, MemoryAction.Delete, MemoryAction.Admin })
        {
            data.Add("reader", "doc:1", action, action == MemoryAction.Read);
            data.Add("reader", "other:1", action, false);
            data.Add("writer", "doc:1", action, action is MemoryAction.Read or MemoryAction.Write);
            data.Add("writer", "doc:1:draft", action, action is MemoryAction.Read or MemoryAction.Write);
            data.Add("exact", "cfg:main", action, action == MemoryAction.Delete);
            data.Add("exact", "cfg:main2", action, false);
            data.Add("owner", "team:a:x", action, true);
            data.Add("owner", "team:b:x", action, false);
            data.Add("member-of-ops", "ops:log", action, action is MemoryAction.Read or MemoryAction.Write);
            data.Add("stranger", "doc:1", action, false);
            data.Add("class", "item:7", action, action == MemoryAction.Read);
            data.Add("class", "item:x", action, false);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task CheckAccessAsync_FollowsTheRules_AndDeniesByDefault(string principal, string resource, MemoryAction action, bool expected)
    {
        await GrantMatrixRulesAsync();
        var who = principal == "member-of-ops" ? new MemoryPrincipal(principal, ["ops"]) : new MemoryPrincipal(principal);

        (await _h.Security.CheckAccessAsync(who, resource, action)).Should().Be(expected);
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task SecuredStore_EnforcesTheSameMatrix(string principal, string resource, MemoryAction action, bool expected)
    {
        await GrantMatrixRulesAsync();
        await (await _h.AdminAsync()).StoreAsync(resource, "seed");
        var store = principal == "member-of-ops" ? _h.As(principal, "ops") : _h.As(principal);

        Func<Task> act = action switch
        {
            MemoryAction.Read => async () => await store.RetrieveAsync<string>(resource),
            MemoryAction.Write => async () => await store.StoreAsync(resource, "changed"),
            MemoryAction.Delete => async () => await store.DeleteAsync(resource),
            _ => async () => await _h.Security.GrantAccessAsync("someone", resource, MemoryAction.Read),
        };

        if (action == MemoryAction.Admin)
        {
            using var scope = MemorySecurityContext.BeginScope(principal == "member-of-ops" ? new MemoryPrincipal(principal, ["ops"]) : new MemoryPrincipal(principal));
            await AssertAsync(act(), expected);
        }
        else
        {
            await AssertAsync(act(), expected);
        }

        static async Task AssertAsync(Task task, bool allowed)
        {
            var act = () => task;
            if (allowed)
            {
                await act.Should().NotThrowAsync();
            }
            else
            {
                await act.Should().ThrowAsync<MemoryAccessDeniedException>();
            }
        }
    }

    [Fact]
    public async Task NoPrincipal_IsDenied_WithAMessageThatSaysHowToSetOne()
    {
        var act = async () => await _h.Store.RetrieveAsync<string>("doc:1");

        (await act.Should().ThrowAsync<MemoryAccessDeniedException>()).Which.Message.Should().Contain("MemorySecurityContext");
    }

    [Fact]
    public async Task AmbientScope_SetsTheCaller_AndRestoresThePreviousOne()
    {
        await _h.Security.GrantAccessAsync("alice", "doc:*", MemoryAction.Read | MemoryAction.Write);

        using (MemorySecurityContext.BeginScope(new MemoryPrincipal("alice")))
        {
            await _h.Store.StoreAsync("doc:1", "a");
            using (MemorySecurityContext.BeginScope(new MemoryPrincipal("bob")))
            {
                var act = async () => await _h.Store.RetrieveAsync<string>("doc:1");
                await act.Should().ThrowAsync<MemoryAccessDeniedException>();
            }

            (await _h.Store.RetrieveAsync<string>("doc:1")).Should().Be("a");
        }

        MemorySecurityContext.Current.Should().BeNull();
    }

    [Fact]
    public async Task ExplicitPrincipal_WinsOverTheAmbientOne()
    {
        await _h.Security.GrantAccessAsync("alice", "doc:*", MemoryAction.All);
        using var scope = MemorySecurityContext.BeginScope(new MemoryPrincipal("bob"));

        await _h.As("alice").StoreAsync("doc:1", "a");

        var act = async () => await _h.Store.RetrieveAsync<string>("doc:1");
        await act.Should().ThrowAsync<MemoryAccessDeniedException>();
    }

    [Fact]
    public async Task DeniedCalls_AreAudited_AndChangeNothing()
    {
        await _h.Security.GrantAccessAsync("reader", "doc:*", MemoryAction.Read);
        await (await _h.AdminAsync()).StoreAsync("doc:1", "original");
        var reader = _h.As("reader");

        var act = async () => await reader.StoreAsync("doc:1", "overwritten");

        (await act.Should().ThrowAsync<MemoryAccessDeniedException>()).Which.Should().Match<MemoryAccessDeniedException>(e => e.PrincipalId == "reader" && e.Resource == "doc:1" && e.Action == MemoryAction.Write);
        (await _h.Inner.RetrieveAsync<string>("doc:1")).Should().Be("original");
        var denied = (await _h.AuditEntriesAsync("reader")).Where(e => e.Record.Result == MemoryAuditResult.Denied).ToList();
        denied.Should().ContainSingle().Which.Record.Should().Match<MemoryAuditRecord>(r => r.Resource == "doc:1" && r.Action == MemoryAction.Write && r.Operation == "Store" && r.Timestamp == SecurityHarness.Epoch);
    }

    [Fact]
    public async Task AllowedCallsAndMutations_AreAudited()
    {
        var admin = await _h.AdminAsync();

        await admin.StoreAsync("doc:1", "a");
        await admin.RetrieveAsync<string>("doc:1");
        await admin.DeleteAsync("doc:1");

        var ops = (await _h.AuditEntriesAsync("admin")).Select(e => (e.Record.Operation, e.Record.Result)).ToList();
        ops.Should().Equal(("Store", MemoryAuditResult.Allowed), ("Retrieve", MemoryAuditResult.Allowed), ("Delete", MemoryAuditResult.Allowed));
    }

    [Fact]
    public async Task ListKeys_ShowsOnlyReadableKeys_AndNeverTheSecurityState()
    {
        var admin = await _h.AdminAsync();
        foreach (var key in new[] { "a:1", "a:2", "b:1", "b:2", "c:1" })
        {
            await admin.StoreAsync(key, 1);
        }

        await _h.Security.GrantAccessAsync("agent", "a:*", MemoryAction.Read);
        await _h.Security.GrantAccessAsync("agent", "c:1", MemoryAction.Read);
        await _h.Security.GrantAccessAsync("agent", "b:*", MemoryAction.Write);
        var agent = _h.As("agent");

        (await agent.ListKeysAsync()).Should().Equal("a:1", "a:2", "c:1");
        (await agent.ListKeysAsync("b:*")).Should().BeEmpty();
        (await agent.ListKeysAsync(limit: 2)).Should().Equal("a:1", "a:2");
        (await admin.ListKeysAsync()).Should().Equal("a:1", "a:2", "b:1", "b:2", "c:1");
        (await _h.Inner.ListKeysAsync()).Should().Contain(AccessControlList.StorageKey);
        var paged = new List<string>();
        await foreach (var key in agent.EnumerateKeysAsync(pageSize: 1))
        {
            paged.Add(key);
        }

        paged.Should().Equal("a:1", "a:2", "c:1");
    }

    [Fact]
    public async Task ReservedKeys_AreRefusedEvenToAdmins()
    {
        var admin = await _h.AdminAsync();

        var read = async () => await admin.GetHashAsync<long>(AccessControlList.StorageKey);
        var write = async () => await admin.SetHashFieldAsync(AccessControlList.StorageKey, "5:agent*", (long)MemoryAction.All);

        await read.Should().ThrowAsync<MemoryAccessDeniedException>();
        await write.Should().ThrowAsync<MemoryAccessDeniedException>();
        (await _h.Security.CheckAccessAsync(SecurityHarness.Admin, AccessControlList.StorageKey, MemoryAction.Read)).Should().BeFalse();
    }

    [Fact]
    public async Task Batch_IsCheckedPerItem()
    {
        await _h.Security.GrantAccessAsync("agent", "mine:*", MemoryAction.Write | MemoryAction.Delete);
        await (await _h.AdminAsync()).StoreAsync("theirs:1", "keep");
        var agent = _h.As("agent");

        var result = await agent.ExecuteBatchAsync([
            MemoryBatchOperation.Store("mine:1", 1),
            MemoryBatchOperation.Store("theirs:1", 2),
            MemoryBatchOperation.Delete("theirs:1"),
            MemoryBatchOperation.Store("mine:2", 3),
        ]);

        result.Outcomes.Select(o => o.Status).Should().Equal(MemoryBatchStatus.Stored, MemoryBatchStatus.Failed, MemoryBatchStatus.Failed, MemoryBatchStatus.Stored);
        result.Outcomes.Select(o => o.Index).Should().Equal(0, 1, 2, 3);
        result.Outcomes[1].Error.Should().BeOfType<MemoryAccessDeniedException>();
        (await _h.Inner.RetrieveAsync<string>("theirs:1")).Should().Be("keep");
        (await _h.Inner.RetrieveAsync<int>("mine:2")).Should().Be(3);
    }

    [Fact]
    public async Task MultiKeyReadsAndDeletes_FailWholeIfAnyKeyIsDenied_AndAuditEachDenial()
    {
        await _h.Security.GrantAccessAsync("agent", "mine:*", MemoryAction.Read | MemoryAction.Delete);
        var admin = await _h.AdminAsync();
        await admin.StoreAsync("mine:1", 1);
        await admin.StoreAsync("theirs:1", 2);
        await admin.StoreAsync("theirs:2", 3);
        var agent = _h.As("agent");

        var read = async () => await agent.RetrieveManyAsync<int>(["mine:1", "theirs:1", "theirs:2"]);
        var delete = async () => await agent.DeleteManyAsync(["mine:1", "theirs:1"]);

        await read.Should().ThrowAsync<MemoryAccessDeniedException>();
        await delete.Should().ThrowAsync<MemoryAccessDeniedException>();
        (await _h.Inner.ExistsAsync("mine:1")).Should().BeTrue();
        (await _h.AuditEntriesAsync("agent")).Count(e => e.Record.Result == MemoryAuditResult.Denied).Should().Be(3);
        (await agent.RetrieveManyAsync<int>(["mine:1"])).Should().ContainKey("mine:1");
    }

    [Fact]
    public async Task Clear_NeedsDeleteOnEverything_AndKeepsTheAccessControlList()
    {
        await _h.Security.GrantAccessAsync("agent", "a:*", MemoryAction.All);
        var admin = await _h.AdminAsync();
        await admin.StoreAsync("a:1", 1);
        await admin.StoreAsync("b:1", 1);

        var denied = async () => await _h.As("agent").ClearAsync();
        await denied.Should().ThrowAsync<MemoryAccessDeniedException>();

        (await admin.ClearAsync()).Should().Be(2);
        (await _h.Inner.ListKeysAsync()).Should().Equal(AccessControlList.StorageKey);
        (await _h.Security.CheckAccessAsync(SecurityHarness.Admin, "anything", MemoryAction.Read)).Should().BeTrue();
    }

    [Fact]
    public async Task Roles_GrantToEveryMember()
    {
        await _h.Security.GrantAccessAsync("role:analysts", "report:*", MemoryAction.Read);
        await (await _h.AdminAsync()).StoreAsync("report:q1", "numbers");

        (await _h.As("carol", "analysts").RetrieveAsync<string>("report:q1")).Should().Be("numbers");
        var act = async () => await _h.As("dave", "sales").RetrieveAsync<string>("report:q1");
        await act.Should().ThrowAsync<MemoryAccessDeniedException>();
    }

    [Fact]
    public async Task Revoke_TakesEffectOnTheNextCall()
    {
        await _h.Security.GrantAccessAsync("agent", "doc:*", MemoryAction.Read | MemoryAction.Write);
        var agent = _h.As("agent");
        await agent.StoreAsync("doc:1", 1);

        (await _h.Security.RevokeAccessAsync("agent", "doc:*", MemoryAction.Write)).Should().BeTrue();
        (await _h.Security.RevokeAccessAsync("agent", "doc:*", MemoryAction.Write)).Should().BeFalse();

        (await agent.RetrieveAsync<int>("doc:1")).Should().Be(1);
        var write = async () => await agent.StoreAsync("doc:1", 2);
        await write.Should().ThrowAsync<MemoryAccessDeniedException>();
        (await _h.Security.GetAccessRulesAsync()).Should().ContainSingle().Which.Should().Be(new MemoryAccessRule("agent", "doc:*", MemoryAction.Read));
    }

    [Fact]
    public async Task AccessControlList_PersistsWithTheStore()
    {
        await _h.Security.GrantAccessAsync("agent", "doc:*", MemoryAction.Read);
        await _h.Security.GrantAccessAsync("role:ops", "ops:[a-c]*", MemoryAction.Write);

        // A second security service over the same store (as after a restart with a persistent store) sees the rules.
        var again = new MemorySecurity(_h.Inner, _h.Inner, _h.Keys, new InMemoryAuditLog(SecurityHarness.KeyBytes(5)), timeProvider: _h.Time);

        (await again.GetAccessRulesAsync()).Should().BeEquivalentTo(await _h.Security.GetAccessRulesAsync());
        (await again.CheckAccessAsync(new MemoryPrincipal("agent"), "doc:7", MemoryAction.Read)).Should().BeTrue();
        (await again.CheckAccessAsync(new MemoryPrincipal("x", ["ops"]), "ops:b1", MemoryAction.Write)).Should().BeTrue();
        (await _h.Inner.GetEntryInfoAsync(AccessControlList.StorageKey))!.Priority.Should().Be(MemoryPriority.Critical);
    }

    [Fact]
    public async Task CorruptStoredRule_FailsClosed()
    {
        await _h.Inner.SetHashFieldAsync(AccessControlList.StorageKey, "garbage", 15L);

        var act = async () => await _h.Security.CheckAccessAsync(SecurityHarness.Admin, "x", MemoryAction.Read);

        await act.Should().ThrowAsync<MemorySecurityException>().WithMessage("*malformed rule*");
    }

    [Fact]
    public async Task Grant_UnderAnAmbientPrincipal_NeedsAdminOnThePattern()
    {
        await _h.Security.GrantAccessAsync("lead", "team:*", MemoryAction.Admin);

        using (MemorySecurityContext.BeginScope(new MemoryPrincipal("lead")))
        {
            (await _h.Security.GrantAccessAsync("agent", "team:x", MemoryAction.Read)).Should().BeTrue();
            var act = async () => await _h.Security.GrantAccessAsync("agent", "*", MemoryAction.Read);
            await act.Should().ThrowAsync<MemoryAccessDeniedException>();
        }

        (await _h.AuditEntriesAsync("lead")).Select(e => (e.Record.Operation, e.Record.Result)).Should().Equal(("GrantAccess", MemoryAuditResult.Allowed), ("GrantAccess", MemoryAuditResult.Denied));
    }

    [Theory]
    [InlineData("", "doc:*", MemoryAction.Read)]
    [InlineData("agent", "", MemoryAction.Read)]
    [InlineData("agent", "doc:[", MemoryAction.Read)]
    [InlineData("agent", "doc:*", MemoryAction.None)]
    [InlineData("agent", "doc:*", (MemoryAction)64)]
    public async Task Grant_BadArguments_ThrowArgumentException(string subject, string pattern, MemoryAction actions)
    {
        var act = async () => await _h.Security.GrantAccessAsync(subject, pattern, actions);

        await act.Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task Operations_NeedTheDocumentedActions()
    {
        await _h.Security.GrantAccessAsync("r", "*", MemoryAction.Read);
        await _h.Security.GrantAccessAsync("w", "*", MemoryAction.Write);
        var admin = await _h.AdminAsync();
        await admin.StoreAsync("n", 1L);
        await admin.SetHashAsync("h", new Dictionary<string, int> { ["f"] = 1 });
        await admin.AppendToListAsync("l", [1]);
        var reader = _h.As("r");
        var writer = _h.As("w");

        (await reader.ExistsAsync("n")).Should().BeTrue();
        (await reader.GetEntryInfoAsync("n")).Should().NotBeNull();
        (await reader.GetMetadataAsync("n")).Should().NotBeNull();
        (await reader.GetHashLengthAsync("h")).Should().Be(1);
        (await reader.GetListLengthAsync("l")).Should().Be(1);
        (await reader.GetStatisticsAsync()).EntryCount.Should().BeGreaterThan(0);
        await writer.UpdateMetadataAsync("n", new Dictionary<string, MetadataValue> { ["x"] = 1 });
        await writer.SetHashFieldAsync("h", "g", 2);
        await writer.AppendToListAsync("l", [2]);

        await Denied(() => reader.IncrementAsync("n").AsTask());
        await Denied(() => writer.IncrementAsync("n").AsTask());
        await Denied(() => writer.CompareAndSwapAsync("n", 1L, 2L).AsTask());
        await Denied(() => writer.DeleteHashFieldAsync("h", "f").AsTask());
        await Denied(() => reader.UpdateMetadataAsync("n", new Dictionary<string, MetadataValue>()).AsTask());
        await Denied(() => writer.GetStatisticsAsync().AsTask());
        (await admin.IncrementAsync("n")).Should().Be(2);

        static async Task Denied(Func<Task> call) => await call.Should().ThrowAsync<MemoryAccessDeniedException>();
    }

    [Fact]
    public async Task ConcurrentGrantsAndChecks_StayConsistent()
    {
        var agents = Enumerable.Range(0, 20).Select(i => $"agent{i}").ToList();

        await Task.WhenAll(agents.Select(a => Task.Run(async () =>
        {
            await _h.Security.GrantAccessAsync(a, $"{a}:*", MemoryAction.Read | MemoryAction.Write);
            await _h.As(a).StoreAsync($"{a}:k", a);
            (await _h.As(a).RetrieveAsync<string>($"{a}:k")).Should().Be(a);
        })));

        (await _h.Security.GetAccessRulesAsync()).Should().HaveCount(20);
        (await (await _h.AdminAsync()).ListKeysAsync(limit: 1000)).Should().HaveCount(20);
    }

    private async Task GrantMatrixRulesAsync()
    {
        await _h.Security.GrantAccessAsync("reader", "doc:*", MemoryAction.Read);
        await _h.Security.GrantAccessAsync("writer", "doc:*", MemoryAction.Read | MemoryAction.Write);
        await _h.Security.GrantAccessAsync("exact", "cfg:main", MemoryAction.Delete);
        await _h.Security.GrantAccessAsync("owner", "team:a:*", MemoryAction.Admin);
        await _h.Security.GrantAccessAsync("role:ops", "ops:*", MemoryAction.Read | MemoryAction.Write);
        await _h.Security.GrantAccessAsync("class", "item:[0-9]", MemoryAction.Read);
    }

    public void Dispose() => _h.Dispose();
}
