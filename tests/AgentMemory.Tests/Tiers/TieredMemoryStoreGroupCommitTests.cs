using AgentMemory.Persistence;
using AgentMemory.Storage;
using AgentMemory.Tiers;
using FluentAssertions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace AgentMemory.Tests.Tiers;

/// <summary>
/// The write paths' batching: write-behind group commit (write order, one commit per key at its newest version,
/// a failed flush keeps everything buffered) and the write-through batch's all-or-nothing commit.
/// </summary>
public sealed class TieredMemoryStoreGroupCommitTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public void Dispose() => _directory.Dispose();

    private string DatabasePath => _directory.File("memory.db");

    private TieredMemoryStore Open(DurabilityMode durability, int batchSize = 1_000) =>
        TieredMemoryStore.Open(
            new SqlitePersistenceOptions { Path = DatabasePath, Durability = durability, WriteBehindBatchSize = batchSize, WriteBehindDelay = TimeSpan.FromHours(1) },
            new HotTierOptions(),
            _time);

    [Fact]
    public async Task WriteBehind_AKeyWrittenManyTimes_IsCommittedAtItsNewestVersion()
    {
        await using var store = Open(DurabilityMode.WriteBehind);
        for (var i = 0; i < 100; i++)
        {
            await store.StoreAsync("counter", i);
            await store.StoreAsync($"other:{i % 3}", i);
        }

        await store.DeleteAsync("other:0");
        (await store.GetTierStatisticsAsync()).PendingWrites.Should().Be(4, "four keys have buffered writes, however often each was written");

        await store.FlushAsync();

        (await store.GetTierStatisticsAsync()).PendingWrites.Should().Be(0);
        Row("counter").Should().Equal(store.Serializer.Serialize(99));
        Row("other:1").Should().Equal(store.Serializer.Serialize(97));
        Row("other:2").Should().Equal(store.Serializer.Serialize(98));
        Row("other:0").Should().BeNull("its last write was a delete");
    }

    [Fact]
    public async Task WriteBehind_ABatchOfWrites_IsCommittedWithoutWaitingForTheDelay()
    {
        await using var store = Open(DurabilityMode.WriteBehind, batchSize: 10);
        for (var i = 0; i < 9; i++)
        {
            await store.StoreAsync($"k{i}", i);
        }

        RowCount().Should().Be(0, "nine writes are less than a batch and the delay has not passed");

        await store.StoreAsync("k9", 9);

        RowCount().Should().Be(10, "the tenth write filled the batch, so it was flushed on the writer's thread");
        (await store.GetTierStatisticsAsync()).PendingWrites.Should().Be(0);
    }

    [Fact]
    public async Task WriteBehind_AFailedFlush_KeepsTheWritesBufferedAndReadable_AndALaterFlushCommitsThem()
    {
        await using var store = Open(DurabilityMode.WriteBehind);
        await store.StoreAsync("a", "first");
        await store.StoreAsync("bad", "x");
        await store.StoreAsync("a", "second");
        Execute("CREATE TRIGGER reject BEFORE INSERT ON entries WHEN NEW.key = 'bad' BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");

        var flush = async () => await store.FlushAsync();

        await flush.Should().ThrowAsync<MemoryStorageException>();
        (await store.GetTierStatisticsAsync()).PendingWrites.Should().Be(2);
        RowCount().Should().Be(0, "the batch's transaction rolled back as a whole");
        store.Hot.RemoveAll();
        (await store.RetrieveAsync<string>("a")).Should().Be("second", "a buffered write is still what reads below the hot tier find");

        Execute("DROP TRIGGER reject;");
        await store.FlushAsync();

        (await store.GetTierStatisticsAsync()).PendingWrites.Should().Be(0);
        Row("a").Should().Equal(store.Serializer.Serialize("second"));
        Row("bad").Should().Equal(store.Serializer.Serialize("x"));
    }

    [Fact]
    public async Task WriteThrough_AFailedBatchCommit_RollsBackEveryKeyOfTheBatch()
    {
        await using var store = Open(DurabilityMode.WriteThrough);
        await store.StoreAsync("a", "old");
        Execute("CREATE TRIGGER reject BEFORE INSERT ON entries WHEN NEW.key = 'bad' BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");

        var batch = async () => await store.ExecuteBatchAsync([MemoryBatchOperation.Store("a", "new"), MemoryBatchOperation.Store("a", "newer"), MemoryBatchOperation.Store("bad", "x")]);

        await batch.Should().ThrowAsync<MemoryStorageException>();
        (await store.RetrieveAsync<string>("a")).Should().Be("old");
        (await store.ExistsAsync("bad")).Should().BeFalse();
        Row("a").Should().Equal(store.Serializer.Serialize("old"));

        Execute("DROP TRIGGER reject;");
        var result = await store.ExecuteBatchAsync([MemoryBatchOperation.Store("a", "new"), MemoryBatchOperation.Store("a", "newer"), MemoryBatchOperation.Delete("missing"), MemoryBatchOperation.Store("bad", "x")]);

        result.Outcomes.Select(o => o.Status).Should().Equal(MemoryBatchStatus.Stored, MemoryBatchStatus.Stored, MemoryBatchStatus.NotFound, MemoryBatchStatus.Stored);
        Row("a").Should().Equal(store.Serializer.Serialize("newer"));
        Row("bad").Should().Equal(store.Serializer.Serialize("x"));
    }

    private byte[]? Row(string key)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT payload FROM entries WHERE key = $key;";
        command.Parameters.AddWithValue("$key", key);
        return command.ExecuteScalar() as byte[];
    }

    private long RowCount()
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM entries;";
        return (long)command.ExecuteScalar()!;
    }

    private void Execute(string sql)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private SqliteConnection Connect()
    {
        var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        return connection;
    }
}
