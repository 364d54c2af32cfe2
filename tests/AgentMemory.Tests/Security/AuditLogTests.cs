using AgentMemory.Security;
using Microsoft.Data.Sqlite;

namespace AgentMemory.Tests.Security;

public sealed class AuditLogTests : IDisposable
{
    private static readonly byte[] AuditKey = SecurityHarness.KeyBytes(42);
    private readonly string _directory = Directory.CreateTempSubdirectory("agentmemory-audit-").FullName;

    private string DbPath => Path.Combine(_directory, "audit.db");

    [Fact]
    public async Task InMemory_IntactLog_Verifies_AndEntriesChain()
    {
        using var log = new InMemoryAuditLog(AuditKey);
        var entries = await AppendSampleAsync(log, 5);

        (await log.VerifyAsync()).Should().Be(new MemoryAuditVerification(true, 5, null, null));
        entries.Select(e => e.Sequence).Should().Equal(1, 2, 3, 4, 5);
        entries[0].PreviousHash.Should().Be(new string('0', 64));
        for (var i = 1; i < entries.Count; i++)
        {
            entries[i].PreviousHash.Should().Be(entries[i - 1].Hash);
        }
    }

    [Fact]
    public async Task InMemory_EmptyLog_Verifies()
    {
        using var log = new InMemoryAuditLog(AuditKey);

        (await log.VerifyAsync()).IsValid.Should().BeTrue();
    }

    [Fact]
    public async Task InMemory_EditedEntry_IsDetected()
    {
        using var log = new InMemoryAuditLog(AuditKey);
        var entries = await AppendSampleAsync(log, 5);

        log.TamperReplaceRecord(2, entries[2].Record with { Result = MemoryAuditResult.Allowed, PrincipalId = "innocent" });

        var result = await log.VerifyAsync();
        result.IsValid.Should().BeFalse();
        result.FirstInvalidSequence.Should().Be(3);
        result.Problem.Should().Contain("edited");
    }

    [Fact]
    public async Task InMemory_DeletedEntry_IsDetected()
    {
        using var log = new InMemoryAuditLog(AuditKey);
        await AppendSampleAsync(log, 5);

        log.TamperRemoveAt(1);

        var result = await log.VerifyAsync();
        result.IsValid.Should().BeFalse();
        result.FirstInvalidSequence.Should().Be(2);
        result.Problem.Should().Contain("missing");
    }

    [Fact]
    public async Task InMemory_ReorderedEntries_AreDetected()
    {
        using var log = new InMemoryAuditLog(AuditKey);
        await AppendSampleAsync(log, 5);

        log.TamperSwap(1, 3);

        var result = await log.VerifyAsync();
        result.IsValid.Should().BeFalse();
        result.FirstInvalidSequence.Should().Be(2);
    }

    [Fact]
    public async Task InMemory_TruncatedLog_IsDetected()
    {
        using var log = new InMemoryAuditLog(AuditKey);
        await AppendSampleAsync(log, 5);

        log.TamperRemoveAt(4);
        log.TamperRemoveAt(3);

        var result = await log.VerifyAsync();
        result.IsValid.Should().BeFalse();
        result.Problem.Should().Contain("truncated");
    }

    [Fact]
    public async Task InMemory_ConcurrentAppends_FormOneValidChain()
    {
        using var log = new InMemoryAuditLog(AuditKey);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < 250; i++)
            {
                await log.AppendAsync(Record(SecurityHarness.Epoch, $"p{t}", $"k{i}"));
            }
        })));

        (await log.VerifyAsync()).Should().Be(new MemoryAuditVerification(true, 2000, null, null));
        (await log.QueryAsync(new MemoryAuditQuery { PrincipalId = "p3" })).Should().HaveCount(250);
    }

    [Fact]
    public async Task Query_FiltersByTimeRangeAndPrincipal_OldestFirst_UpToTheLimit()
    {
        using var log = new InMemoryAuditLog(AuditKey);
        await AppendSampleAsync(log, 10);

        await AssertQueriesAsync(log);
    }

    [Fact]
    public async Task Sqlite_SurvivesRestart_VerifiesAfterReopen_AndContinuesTheChain()
    {
        using (var log = new SqliteAuditLog(DbPath, AuditKey))
        {
            await AppendSampleAsync(log, 10);
        }

        using (var reopened = new SqliteAuditLog(DbPath, AuditKey))
        {
            (await reopened.VerifyAsync()).Should().Be(new MemoryAuditVerification(true, 10, null, null));
            var next = await reopened.AppendAsync(Record(SecurityHarness.Epoch.AddHours(1), "later", "x"));
            next.Sequence.Should().Be(11);
            (await reopened.VerifyAsync()).EntriesChecked.Should().Be(11);
            (await reopened.GetHeadAsync())!.Value.Sequence.Should().Be(11);
            await AssertQueriesAsync(reopened);
        }
    }

    [Fact]
    public async Task Sqlite_WrongHmacKeyAfterReopen_FailsVerification()
    {
        using (var log = new SqliteAuditLog(DbPath, AuditKey))
        {
            await AppendSampleAsync(log, 3);
        }

        using var reopened = new SqliteAuditLog(DbPath, SecurityHarness.KeyBytes(43));
        (await reopened.VerifyAsync()).Problem.Should().Contain("HMAC");
    }

    [Theory]
    [InlineData("edit", "UPDATE audit_entries SET principal = 'innocent' WHERE seq = 3;", "edited")]
    [InlineData("delete", "DELETE FROM audit_entries WHERE seq = 2;", "missing")]
    [InlineData("reorder", "UPDATE audit_entries SET seq = -1 WHERE seq = 2; UPDATE audit_entries SET seq = 2 WHERE seq = 4; UPDATE audit_entries SET seq = 4 WHERE seq = -1;", "link")]
    [InlineData("truncate", "DELETE FROM audit_entries WHERE seq >= 4;", "truncated")]
    [InlineData("truncate head too", "DELETE FROM audit_entries WHERE seq >= 4; UPDATE audit_head SET seq = 3, hash = (SELECT hash FROM audit_entries WHERE seq = 3);", "HMAC")]
    [InlineData("drop head", "DELETE FROM audit_head;", "no authenticated head")]
    [InlineData("rehash edited entry", "UPDATE audit_entries SET hash = zeroblob(32) WHERE seq = 5;", "edited")]
    public async Task Sqlite_TamperingWhileClosed_IsDetectedAfterReopen(string attack, string sql, string expectedProblem)
    {
        using (var log = new SqliteAuditLog(DbPath, AuditKey))
        {
            await AppendSampleAsync(log, 5);
        }

        using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }

        using var reopened = new SqliteAuditLog(DbPath, AuditKey);
        var result = await reopened.VerifyAsync();
        result.IsValid.Should().BeFalse(because: attack);
        result.Problem.Should().Contain(expectedProblem);
    }

    [Fact]
    public async Task Sqlite_ConcurrentAppends_FormOneValidChain()
    {
        using var log = new SqliteAuditLog(DbPath, AuditKey);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                await log.AppendAsync(Record(SecurityHarness.Epoch, $"p{t}", $"k{i}"));
            }
        })));

        (await log.VerifyAsync()).Should().Be(new MemoryAuditVerification(true, 200, null, null));
    }

    [Fact]
    public void Constructors_RejectShortKeysAndBadPaths()
    {
        ((Action)(() => _ = new InMemoryAuditLog(new byte[16]))).Should().Throw<ArgumentException>().WithMessage("*32 bytes*");
        ((Action)(() => _ = new SqliteAuditLog(DbPath, new byte[31]))).Should().Throw<ArgumentException>();
        ((Action)(() => _ = new SqliteAuditLog(Path.Combine(_directory, "missing-dir", "x", "audit.db"), AuditKey))).Should().Throw<MemoryStorageException>();
    }

    [Fact]
    public async Task Append_OverlongField_IsRejected()
    {
        using var log = new InMemoryAuditLog(AuditKey);

        var act = async () => await log.AppendAsync(Record(SecurityHarness.Epoch, "p", new string('x', 5000)));

        await act.Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task SecuredStore_WithSqliteAudit_AuditsAcrossARestart()
    {
        using (var h = new SecurityHarnessWithLog(new SqliteAuditLog(DbPath, AuditKey)))
        {
            await h.Security.GrantAccessAsync("agent", "doc:*", MemoryAction.Read);
            var agent = h.Store.ForPrincipal(new MemoryPrincipal("agent"));
            var act = async () => await agent.StoreAsync("doc:1", "x");
            await act.Should().ThrowAsync<MemoryAccessDeniedException>();
        }

        using var reopened = new SqliteAuditLog(DbPath, AuditKey);
        (await reopened.VerifyAsync()).IsValid.Should().BeTrue();
        var entries = await reopened.QueryAsync(new MemoryAuditQuery { PrincipalId = "agent" });
        entries.Should().ContainSingle().Which.Record.Should().Match<MemoryAuditRecord>(r => r.Result == MemoryAuditResult.Denied && r.Resource == "doc:1" && r.Timestamp == SecurityHarness.Epoch);
    }

    private static async Task AssertQueriesAsync(IMemoryAuditLog log)
    {
        var all = await log.QueryAsync(new MemoryAuditQuery());
        all.Take(10).Select(e => e.Sequence).Should().Equal(Enumerable.Range(1, 10).Select(i => (long)i));
        var range = await log.QueryAsync(new MemoryAuditQuery { From = SecurityHarness.Epoch.AddMinutes(2), To = SecurityHarness.Epoch.AddMinutes(5) });
        range.Select(e => e.Sequence).Should().Equal(3, 4, 5);
        var mine = await log.QueryAsync(new MemoryAuditQuery { PrincipalId = "p1" });
        mine.Should().OnlyContain(e => e.Record.PrincipalId == "p1").And.HaveCount(5);
        (await log.QueryAsync(new MemoryAuditQuery { Limit = 2 })).Select(e => e.Sequence).Should().Equal(1, 2);
        var act = async () => await log.QueryAsync(new MemoryAuditQuery { Limit = 0 });
        await act.Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    private static async Task<List<MemoryAuditEntry>> AppendSampleAsync(IMemoryAuditLog log, int count)
    {
        var entries = new List<MemoryAuditEntry>();
        for (var i = 0; i < count; i++)
        {
            entries.Add(await log.AppendAsync(Record(SecurityHarness.Epoch.AddMinutes(i), $"p{i % 2}", $"key:{i}", i % 3 == 0 ? MemoryAuditResult.Denied : MemoryAuditResult.Allowed)));
        }

        return entries;
    }

    private static MemoryAuditRecord Record(DateTimeOffset at, string principal, string resource, MemoryAuditResult result = MemoryAuditResult.Allowed) =>
        new(at, principal, resource, MemoryAction.Read, result, "Retrieve", "detail é ✓");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
    }

    private sealed class SecurityHarnessWithLog : IDisposable
    {
        public SecurityHarnessWithLog(SqliteAuditLog log)
        {
            Log = log;
            Time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(SecurityHarness.Epoch);
            Inner = new AgentMemory.Storage.InMemoryStore(timeProvider: Time);
            Keys = new InProcessKeyProvider();
            Keys.AddKey("k1", SecurityHarness.KeyBytes(1));
            Security = new MemorySecurity(Inner, Inner, Keys, log, timeProvider: Time);
            Store = new SecuredMemoryStore(Security);
        }

        public SqliteAuditLog Log { get; }

        public Microsoft.Extensions.Time.Testing.FakeTimeProvider Time { get; }

        public AgentMemory.Storage.InMemoryStore Inner { get; }

        public InProcessKeyProvider Keys { get; }

        public MemorySecurity Security { get; }

        public SecuredMemoryStore Store { get; }

        public void Dispose()
        {
            Log.Dispose();
            Inner.Dispose();
            Keys.Dispose();
        }
    }
}
