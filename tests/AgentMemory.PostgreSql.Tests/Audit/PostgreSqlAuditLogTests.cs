using AgentMemory.PostgreSql.Audit;
using AgentMemory.PostgreSql.Records;
using AgentMemory.PostgreSql.Tests.Infrastructure;
using AgentMemory.PostgreSql.Tests.Records;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace AgentMemory.PostgreSql.Tests.Audit;

/// <summary>The SQLite audit log's behavioural tests, on PostgreSQL, plus partition retention and cross-instance appends.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlAuditLogTests(PostgresServerFixture fixture) : IAsyncLifetime
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] AuditKey = KeyBytes(42);
    private readonly List<NpgsqlDataSource> _dataSources = [];
    private string _connectionString = "";

    public async Task InitializeAsync() => _connectionString = await RecordsHarness.ConnectionStringAsync(fixture);

    public async Task DisposeAsync()
    {
        foreach (var dataSource in _dataSources)
        {
            await dataSource.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task IntactLog_Verifies_AndEntriesChain()
    {
        using var log = Open(Options("intact"));
        var entries = await AppendSampleAsync(log, 5);

        (await log.VerifyAsync()).Should().Be(new MemoryAuditVerification(true, 5, null, null));
        entries.Select(e => e.Sequence).Should().Equal(1, 2, 3, 4, 5);
        entries[0].PreviousHash.Should().Be(new string('0', 64));
        for (var i = 1; i < entries.Count; i++)
        {
            entries[i].PreviousHash.Should().Be(entries[i - 1].Hash);
        }
    }

    [SkippableFact]
    public async Task EmptyLog_Verifies()
    {
        using var log = Open(Options("empty"));

        (await log.VerifyAsync()).Should().Be(new MemoryAuditVerification(true, 0, null, null));
        (await log.GetHeadAsync()).Should().BeNull();
    }

    [SkippableFact]
    public async Task SurvivesReopen_VerifiesAndContinuesTheChain_AndQueries()
    {
        var options = Options("reopen");
        using (var log = Open(options))
        {
            await AppendSampleAsync(log, 10);
        }

        using var reopened = Open(options);
        (await reopened.VerifyAsync()).Should().Be(new MemoryAuditVerification(true, 10, null, null));
        (await reopened.AppendAsync(Record(Epoch.AddHours(1), "later", "x"))).Sequence.Should().Be(11);
        (await reopened.VerifyAsync()).EntriesChecked.Should().Be(11);
        (await reopened.GetHeadAsync())!.Value.Sequence.Should().Be(11);
        await AssertQueriesAsync(reopened);
    }

    [SkippableFact]
    public async Task WrongHmacKey_FailsVerification()
    {
        var options = Options("wrongkey");
        using (var log = Open(options))
        {
            await AppendSampleAsync(log, 3);
        }

        options.AuditHmacKey = KeyBytes(43);
        using var other = Open(options);
        (await other.VerifyAsync()).Problem.Should().Contain("HMAC");
    }

    [SkippableTheory]
    [InlineData("edit", "UPDATE {schema}.audit_entries SET principal = 'innocent' WHERE seq = 3;", "edited")]
    [InlineData("delete", "DELETE FROM {schema}.audit_entries WHERE seq = 2;", "missing")]
    [InlineData("reorder", "UPDATE {schema}.audit_entries SET seq = -1 WHERE seq = 2; UPDATE {schema}.audit_entries SET seq = 2 WHERE seq = 4; UPDATE {schema}.audit_entries SET seq = 4 WHERE seq = -1;", "link")]
    [InlineData("truncate", "DELETE FROM {schema}.audit_entries WHERE seq >= 4;", "truncated")]
    [InlineData("truncate head too", "DELETE FROM {schema}.audit_entries WHERE seq >= 4; UPDATE {schema}.audit_head SET seq = 3, hash = (SELECT hash FROM {schema}.audit_entries WHERE seq = 3);", "HMAC")]
    [InlineData("drop head", "DELETE FROM {schema}.audit_head;", "no authenticated head")]
    [InlineData("rehash edited entry", "UPDATE {schema}.audit_entries SET hash = decode(repeat('00', 32), 'hex') WHERE seq = 5;", "edited")]
    [InlineData("forge an anchor over deleted entries", "DELETE FROM {schema}.audit_entries WHERE seq <= 2; INSERT INTO {schema}.audit_anchor VALUES (1, 3, (SELECT prev FROM {schema}.audit_entries WHERE seq = 3), decode(repeat('00', 32), 'hex'));", "anchor")]
    public async Task TamperingWithSql_IsDetected(string attack, string sql, string expectedProblem)
    {
        var options = Options("tamper");
        using var log = Open(options);
        await AppendSampleAsync(log, 5);

        await RecordsHarness.ExecuteAsync(_connectionString, options.Schema, sql);

        var result = await log.VerifyAsync();
        result.IsValid.Should().BeFalse(because: attack);
        result.Problem.Should().Contain(expectedProblem);
    }

    [SkippableFact]
    public async Task ConcurrentAppends_FromTwoInstancesOnSeparatePools_FormOneValidChain()
    {
        var options = Options("concurrent");
        using var first = Open(options);
        using var second = Open(options);
        var logs = new[] { first, second };
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var writers = Enumerable.Range(0, 4).Select(t => Task.Run(async () =>
        {
            await start.Task;
            for (var i = 0; i < 25; i++)
            {
                await logs[t % 2].AppendAsync(Record(Epoch, $"p{t}", $"k{i}"));
            }
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(writers);

        (await first.VerifyAsync()).Should().Be(new MemoryAuditVerification(true, 100, null, null));
        (await second.QueryAsync(new MemoryAuditQuery { PrincipalId = "p3" })).Should().HaveCount(25);
    }

    [SkippableFact]
    public async Task Retention_DropsWholeOldPartitions_AndTheChainStillVerifiesFromTheAnchor()
    {
        var options = Options("retention");
        options.AuditRetention = TimeSpan.FromDays(30);
        var time = new FakeTimeProvider(Epoch);
        using var log = Open(options, time);
        await AppendSampleAsync(log, 3);                    // January
        time.Advance(TimeSpan.FromDays(31));
        await AppendSampleAsync(log, 2);                    // February
        time.Advance(TimeSpan.FromDays(31));
        await AppendSampleAsync(log, 2);                    // March
        (await Partitions(options.Schema)).Should().Be(3);

        (await log.ApplyRetentionAsync()).Should().Be(1, because: "only January ended more than 30 days ago");

        (await Partitions(options.Schema)).Should().Be(2);
        (await log.VerifyAsync()).Should().Be(new MemoryAuditVerification(true, 4, null, null));
        (await log.QueryAsync(new MemoryAuditQuery())).Select(e => e.Sequence).Should().Equal(4, 5, 6, 7);
        (await log.AppendAsync(Record(Epoch, "after", "x"))).Sequence.Should().Be(8);
        (await log.VerifyAsync()).Should().Be(new MemoryAuditVerification(true, 5, null, null));

        await RecordsHarness.ExecuteAsync(_connectionString, options.Schema, "DELETE FROM {schema}.audit_entries WHERE seq = 4;");
        (await log.VerifyAsync()).Problem.Should().Contain("missing");
    }

    [SkippableFact]
    public async Task Retention_OfEveryPartition_LeavesAnEmptyLogThatVerifies_AndContinues()
    {
        var options = Options("retainall");
        var time = new FakeTimeProvider(Epoch);
        using var log = Open(options, time);
        await AppendSampleAsync(log, 3);
        time.Advance(TimeSpan.FromDays(90));

        (await log.ApplyRetentionAsync(TimeSpan.FromDays(1))).Should().Be(1);

        (await log.VerifyAsync()).Should().Be(new MemoryAuditVerification(true, 0, null, null));
        (await log.AppendAsync(Record(Epoch, "p", "k"))).Sequence.Should().Be(4);
        (await log.VerifyAsync()).Should().Be(new MemoryAuditVerification(true, 1, null, null));
        await RecordsHarness.ExecuteAsync(_connectionString, options.Schema, "DELETE FROM {schema}.audit_anchor;");
        (await log.VerifyAsync()).Problem.Should().Contain("missing");
    }

    [Fact]
    public void Constructor_RequiresALongEnoughKey()
    {
        using var dataSource = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1");
        ((Action)(() => _ = new PostgreSqlAuditLog(dataSource, new PostgreSqlRecordsOptions()))).Should().Throw<ArgumentException>().WithMessage("*AuditHmacKey*");
        ((Action)(() => _ = new PostgreSqlAuditLog(dataSource, new PostgreSqlRecordsOptions { AuditHmacKey = new byte[31] }))).Should().Throw<ArgumentException>().WithMessage("*32 bytes*");
    }

    [SkippableFact]
    public async Task Append_OverlongField_IsRejected()
    {
        using var log = Open(Options("overlong"));

        var act = async () => await log.AppendAsync(Record(Epoch, new string('p', 5000), "k"));

        await act.Should().ThrowAsync<ArgumentException>();
    }

    private static async Task AssertQueriesAsync(IMemoryAuditLog log)
    {
        var all = await log.QueryAsync(new MemoryAuditQuery());
        all.Take(10).Select(e => e.Sequence).Should().Equal(Enumerable.Range(1, 10).Select(i => (long)i));
        all[0].Record.Should().Be(Record(Epoch, "p0", "key:0", MemoryAuditResult.Denied));
        var range = await log.QueryAsync(new MemoryAuditQuery { From = Epoch.AddMinutes(2), To = Epoch.AddMinutes(5) });
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
            entries.Add(await log.AppendAsync(Record(Epoch.AddMinutes(i), $"p{i % 2}", $"key:{i}", i % 3 == 0 ? MemoryAuditResult.Denied : MemoryAuditResult.Allowed)));
        }

        return entries;
    }

    private static MemoryAuditRecord Record(DateTimeOffset at, string principal, string resource, MemoryAuditResult result = MemoryAuditResult.Allowed) =>
        new(at, principal, resource, MemoryAction.Read, result, "Retrieve", "detail é ✓");

    private static byte[] KeyBytes(byte seed) => Enumerable.Range(0, 32).Select(i => (byte)(seed + i)).ToArray();

    private static PostgreSqlRecordsOptions Options(string hint)
    {
        var options = RecordsHarness.Options("audit" + hint);
        options.AuditHmacKey = AuditKey;
        return options;
    }

    private PostgreSqlAuditLog Open(PostgreSqlRecordsOptions options, TimeProvider? time = null)
    {
        var dataSource = NpgsqlDataSource.Create(_connectionString);
        _dataSources.Add(dataSource);
        return new PostgreSqlAuditLog(dataSource, options, time);
    }

    private Task<long> Partitions(string schema) =>
        RecordsHarness.ScalarAsync<long>(_connectionString, schema, "SELECT count(*) FROM pg_inherits WHERE inhparent = '{schema}.audit_entries'::regclass");
}
