using AgentMemory.Persistence;
using AgentMemory.Storage;
using AgentMemory.Tiers;
using FluentAssertions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace AgentMemory.Tests.Tiers;

/// <summary>Access statistics of read-through hits reach the long-term rows, whether written in the background or on dispose.</summary>
public sealed class TieredMemoryStoreAccessStatisticsTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task ReadThroughHits_AreCountedInTheLongTermRows_AfterDispose()
    {
        const int Keys = 2_500;
        var path = _directory.File("memory.db");
        var store = TieredMemoryStore.Open(new SqlitePersistenceOptions { Path = path }, new HotTierOptions { MaxEntries = 4 }, _time);
        await store.ExecuteBatchAsync(Enumerable.Range(0, Keys).Select(i => MemoryBatchOperation.Store($"k{i:D5}", i)));

        // Every read misses the hot tier (4 entries), so each promotes a row and evicts another, whose statistics are
        // queued; more than two batches of them are written while the reads go on, the rest on dispose.
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < Keys; i++)
            {
                (await store.RetrieveAsync<int>($"k{i:D5}")).Should().Be(i);
            }
        }

        await store.DisposeAsync();

        using var connection = new SqliteConnection($"Data Source={path};Pooling=False;Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT min(access_count), max(access_count), count(*) FROM entries;";
        using var reader = command.ExecuteReader();
        reader.Read().Should().BeTrue();
        reader.GetInt64(0).Should().Be(2, "every key was read twice and each read's count was recorded");
        reader.GetInt64(1).Should().Be(2);
        reader.GetInt64(2).Should().Be(Keys);
    }
}
