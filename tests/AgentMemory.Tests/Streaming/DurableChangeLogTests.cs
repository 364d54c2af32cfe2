using AgentMemory.Persistence;
using AgentMemory.Streaming;
using AgentMemory.Tests.Storage;
using AgentMemory.Tiers;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.Streaming;

/// <summary>The change log kept in the long-term tier's database: replay across a restart, continuing numbers, bounds, bad files.</summary>
public sealed class DurableChangeLogTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(StoreHarness.Epoch);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Restart_ReplayFromSequenceThenLive_HasNoGapAndNoDuplicate()
    {
        using (var first = Open())
        {
            for (var i = 1; i <= 10; i++)
            {
                await first.Store.StoreAsync($"k{i}", i);
            }
        }

        using var second = Open();
        var stream = await second.Streaming.CreateStreamAsync();
        await second.Store.StoreAsync("after-restart", 11);
        await using var sub = await second.Streaming.SubscribeAsync(stream, new MemorySubscriptionOptions { FromSequence = 1 });
        await second.Store.StoreAsync("live", 12);
        await using var reader = sub.GetAsyncEnumerator();

        var changes = reader.Take(12);

        changes.Select(c => c.Key).Should().Equal([.. Enumerable.Range(1, 10).Select(i => $"k{i}"), "after-restart", "live"]);
        changes.Take(10).Select(c => c.Sequence).Should().Equal(Enumerable.Range(1, 10).Select(i => (long)i));
        changes.Select(c => c.Sequence).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        changes[10].Sequence.Should().BeGreaterThan(10, "numbers are never reused after a restart");
        changes[0].NewValue.Should().NotBeNull();
        sub.HasBuffered().Should().BeFalse();
    }

    [Fact]
    public async Task Restart_ReplayFromTimestamp_StartsAtThatTime()
    {
        using (var first = Open())
        {
            await first.Store.StoreAsync("old", 1);
            _time.Advance(TimeSpan.FromMinutes(5));
            await first.Store.StoreAsync("newer", 2);
        }

        using var second = Open();
        var stream = await second.Streaming.CreateStreamAsync();
        await using var sub = await second.Streaming.SubscribeAsync(stream, new MemorySubscriptionOptions { FromTimestamp = StoreHarness.Epoch.AddMinutes(1) });
        await second.Store.StoreAsync("live", 3);
        await using var reader = sub.GetAsyncEnumerator();

        reader.Take(2).Select(c => c.Key).Should().Equal("newer", "live");
        sub.HasBuffered().Should().BeFalse();
    }

    [Fact]
    public async Task Restart_UnderConcurrentWriters_SubscriptionEqualsTheLog()
    {
        using (var first = Open())
        {
            for (var i = 0; i < 50; i++)
            {
                await first.Store.StoreAsync($"before{i % 7}", i);
            }
        }

        using var second = Open();
        var stream = await second.Streaming.CreateStreamAsync();
        using var barrier = new Barrier(3);
        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
        {
            barrier.SignalAndWait();
            for (var i = 0; i < 200; i++)
            {
                await second.Store.StoreAsync($"w{w}-{i % 13}", i);
            }
        })).ToArray();
        barrier.SignalAndWait();
        await using var sub = await second.Streaming.SubscribeAsync(stream, new MemorySubscriptionOptions { FromSequence = 1, BufferCapacity = 10_000 });
        await Task.WhenAll(writers);

        var all = await second.Streaming.ReplayAsync(stream, StoreHarness.Epoch.AddDays(-1));
        all.Should().HaveCount(450);
        await using var reader = sub.GetAsyncEnumerator();
        reader.Take(all.Count).Select(c => c.Sequence).Should().Equal(all.Select(c => c.Sequence));
        sub.HasBuffered().Should().BeFalse();
    }

    [Fact]
    public async Task ManyChanges_AcrossReservationBlocks_NumbersAreNeverReused()
    {
        long last;
        using (var first = Open(o => o.RetainedChanges = 5_000, DurabilityMode.WriteBehind))
        {
            for (var i = 0; i < 1_100; i++)
            {
                await first.Store.StoreAsync($"k{i % 100}", i);
            }

            last = first.Store.Hot.ChangeFeedForTests.LastSequence;
        }

        using var second = Open(o => o.RetainedChanges = 5_000, DurabilityMode.WriteBehind);
        var stream = await second.Streaming.CreateStreamAsync();
        await second.Store.StoreAsync("next", 1);

        var all = await second.Streaming.ReplayAsync(stream, StoreHarness.Epoch);
        all.Should().HaveCount(1_101);
        all.Take(1_100).Select(c => c.Sequence).Should().Equal(Enumerable.Range(1, 1_100).Select(i => (long)i));
        all[^1].Sequence.Should().BeGreaterThan(last);
    }

    [Fact]
    public async Task CountBound_HoldsAcrossRestart()
    {
        using (var first = Open(o => o.RetainedChanges = 5))
        {
            for (var i = 1; i <= 20; i++)
            {
                await first.Store.StoreAsync($"k{i}", i);
            }
        }

        using var second = Open(o => o.RetainedChanges = 5);
        var stream = await second.Streaming.CreateStreamAsync();

        var act = async () => await second.Streaming.SubscribeAsync(stream, new MemorySubscriptionOptions { FromSequence = 1 });
        await act.Should().ThrowAsync<MemoryStreamException>();
        await using var sub = await second.Streaming.SubscribeAsync(stream, new MemorySubscriptionOptions { FromSequence = 1, AllowReplayGap = true });
        await using var reader = sub.GetAsyncEnumerator();
        reader.Take(5).Select(c => c.Sequence).Should().Equal(16, 17, 18, 19, 20);
        sub.HasBuffered().Should().BeFalse();
        CountRows().Should().Be(5);
    }

    [Fact]
    public async Task AgeBound_PrunesOnTheTimeProvider()
    {
        using var h = Open(o => o.RetentionAge = TimeSpan.FromMinutes(10));
        var stream = await h.Streaming.CreateStreamAsync();
        await h.Store.StoreAsync("a", 1);
        await h.Store.StoreAsync("b", 2);
        _time.Advance(TimeSpan.FromMinutes(11));
        await h.Store.StoreAsync("c", 3);

        var replayed = await h.Streaming.ReplayAsync(stream, StoreHarness.Epoch);

        replayed.Select(c => c.Key).Should().Equal("c");
        CountRows().Should().Be(1);
        var act = async () => await h.Streaming.SubscribeAsync(stream, new MemorySubscriptionOptions { FromTimestamp = StoreHarness.Epoch });
        await act.Should().ThrowAsync<MemoryStreamException>();
    }

    [Fact]
    public async Task FlushTimer_CommitsBufferedChanges()
    {
        using var h = Open(o => o.ChangeLogFlushInterval = TimeSpan.FromSeconds(2));
        await h.Store.StoreAsync("a", 1);
        h.Log.Buffered.Should().Be(1);

        _time.Advance(TimeSpan.FromSeconds(2));

        h.Log.Buffered.Should().Be(0);
        CountRows().Should().Be(1);
    }

    [Fact]
    public async Task Crash_WithoutClose_MarksTheReservedRangeAsAGap()
    {
        var path = _directory.File("m.db");
        using var store = TieredMemoryStore.Open(new SqlitePersistenceOptions { Path = path }, null, _time);
        var crashed = SqliteChangeLog.Open(path, 100, null, TimeSpan.FromSeconds(1), _time, NullLogger.Instance);
        crashed.Append(Change(1));
        crashed.Append(Change(2));
        crashed.Flush(_time.GetUtcNow());

        using var reopened = SqliteChangeLog.Open(path, 100, null, TimeSpan.FromSeconds(1), _time, NullLogger.Instance);

        reopened.LastSequence.Should().Be(SqliteChangeLog.ReservationBlock, "the numbers the crashed process reserved are never reused");
        reopened.TrimmedThroughSequence.Should().Be(SqliteChangeLog.ReservationBlock, "changes it buffered may be lost, so replaying across them is a gap");
        var kept = new List<MemoryChange>();
        reopened.CopyFrom(1, _ => true, kept);
        kept.Select(c => c.Sequence).Should().Equal(1, 2);
        crashed.Dispose();
    }

    [Fact]
    public void Open_ForeignSqliteDatabase_ThrowsMemoryStorageException()
    {
        var path = _directory.File("foreign.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE customers (id INTEGER PRIMARY KEY);";
            command.ExecuteNonQuery();
        }

        var act = () => SqliteChangeLog.Open(path, 100, null, TimeSpan.FromSeconds(1), _time, NullLogger.Instance);

        act.Should().Throw<MemoryStorageException>().WithMessage("*not an AgentMemory store*");
    }

    [Fact]
    public void Open_CorruptOrMissingFile_ThrowsMemoryStorageException()
    {
        var corrupt = _directory.File("corrupt.db");
        File.WriteAllBytes(corrupt, [.. "SQLite format 3\0"u8.ToArray(), .. Enumerable.Repeat((byte)0xAB, 8192)]);

        var openCorrupt = () => SqliteChangeLog.Open(corrupt, 100, null, TimeSpan.FromSeconds(1), _time, NullLogger.Instance);
        var openMissing = () => SqliteChangeLog.Open(_directory.File("missing.db"), 100, null, TimeSpan.FromSeconds(1), _time, NullLogger.Instance);

        openCorrupt.Should().Throw<MemoryStorageException>();
        openMissing.Should().Throw<MemoryStorageException>();
    }

    [Fact]
    public async Task AddMemoryStreaming_WithSqlitePersistence_ReplaysAcrossProviders()
    {
        var path = _directory.File("di.db");
        for (var run = 0; run < 2; run++)
        {
            var services = new ServiceCollection();
            services.AddSingleton<TimeProvider>(_time);
            services.AddAgentMemory().AddSqlitePersistence(path).AddMemoryStreaming();
            await using var provider = services.BuildServiceProvider();
            var streaming = provider.GetRequiredService<IMemoryStreaming>();
            await provider.GetRequiredService<IMemoryStore>().StoreAsync($"run{run}", run);
            if (run == 1)
            {
                var replayed = await streaming.ReplayAsync(await streaming.CreateStreamAsync(), StoreHarness.Epoch);
                replayed.Select(c => c.Key).Should().Equal("run0", "run1");
                replayed[1].Sequence.Should().BeGreaterThan(replayed[0].Sequence);
            }
        }
    }

    [Fact]
    public async Task PersistChangeLogOff_KeepsTheLogInMemory()
    {
        using (var first = Open(o => o.PersistChangeLog = false))
        {
            await first.Store.StoreAsync("a", 1);
        }

        using var second = Open(o => o.PersistChangeLog = false);
        var replayed = await second.Streaming.ReplayAsync(await second.Streaming.CreateStreamAsync(), StoreHarness.Epoch);

        replayed.Should().BeEmpty();
    }

    private static MemoryChange Change(long sequence) =>
        new() { Sequence = sequence, Key = "k", ChangeType = MemoryChangeType.Updated, Timestamp = StoreHarness.Epoch, NewValue = new byte[] { 1 } };

    private long CountRows()
    {
        using var connection = new SqliteConnection($"Data Source={_directory.File("m.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM change_log;";
        return (long)command.ExecuteScalar()!;
    }

    private Harness Open(Action<MemoryStreamingOptions>? configure = null, DurabilityMode durability = DurabilityMode.WriteThrough)
    {
        var options = new MemoryStreamingOptions();
        configure?.Invoke(options);
        var store = TieredMemoryStore.Open(new SqlitePersistenceOptions { Path = _directory.File("m.db"), Durability = durability }, null, _time);
        return new Harness(store, MemoryStreamingFactory.Create(store, options));
    }

    private sealed class Harness(TieredMemoryStore store, IMemoryStreaming streaming) : IDisposable
    {
        public TieredMemoryStore Store { get; } = store;

        public IMemoryStreaming Streaming { get; } = streaming;

        public SqliteChangeLog Log => (SqliteChangeLog)Store.Hot.ChangeFeedForTests.Log!;

        public void Dispose()
        {
            ((IDisposable)Streaming).Dispose();
            Store.Dispose();
        }
    }
}
