using AgentMemory.Persistence;
using AgentMemory.Storage;
using AgentMemory.Tiers;
using FluentAssertions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace AgentMemory.Tests.Tiers;

public sealed class TieredMemoryStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public void Dispose() => _directory.Dispose();

    private string DatabasePath => _directory.File("memory.db");

    private TieredMemoryStore Open(DurabilityMode durability = DurabilityMode.WriteThrough, long? maxEntries = null, Action<SqlitePersistenceOptions>? configure = null)
    {
        var options = new SqlitePersistenceOptions { Path = DatabasePath, Durability = durability };
        configure?.Invoke(options);
        return TieredMemoryStore.Open(options, new HotTierOptions { MaxEntries = maxEntries }, _time);
    }

    [Theory]
    [InlineData(DurabilityMode.WriteThrough)]
    [InlineData(DurabilityMode.WriteBehind)]
    public async Task Reopen_AfterDispose_ReadsEverythingBackWithMetadataPriorityAndTtl(DurabilityMode durability)
    {
        await using (var store = Open(durability))
        {
            await store.StoreAsync("user:1", "Ada", new MemoryEntryOptions
            {
                Ttl = TimeSpan.FromHours(1),
                Priority = MemoryPriority.High,
                Metadata = new Dictionary<string, MetadataValue> { ["source"] = "signup" },
            });
            await store.StoreAsync("user:2", 42);
            await store.IncrementAsync("counter", 5);
            await store.SetHashAsync("profile", new Dictionary<string, string> { ["lang"] = "en", ["tz"] = "UTC" });
            await store.AppendToListAsync("chat", ["hi", "hello"]);
        }

        _time.Advance(TimeSpan.FromMinutes(30));
        await using (var store = Open(durability))
        {
            (await store.RetrieveAsync<string>("user:1")).Should().Be("Ada");
            (await store.RetrieveAsync<int>("user:2")).Should().Be(42);
            (await store.IncrementAsync("counter")).Should().Be(6);
            (await store.GetHashFieldAsync<string>("profile", "tz")).Value.Should().Be("UTC");
            (await store.GetListAsync<string>("chat")).Should().Equal("hi", "hello");
            var info = await store.GetEntryInfoAsync("user:1");
            info!.Priority.Should().Be(MemoryPriority.High);
            info.ExpiresAt.Should().Be(new DateTimeOffset(2026, 1, 1, 1, 0, 0, TimeSpan.Zero));
            (await store.GetMetadataAsync("user:1"))!["source"].AsString().Should().Be("signup");
            (await store.ListKeysAsync("user:*")).Should().Equal("user:1", "user:2");
        }

        _time.Advance(TimeSpan.FromMinutes(31));
        await using (var store = Open(durability))
        {
            (await store.ExistsAsync("user:1")).Should().BeFalse("the TTL ran out while the store was closed");
            (await store.ExistsAsync("user:2")).Should().BeTrue();
        }
    }

    [Fact]
    public async Task WriteBehind_FlushesWithinTheDelay()
    {
        await using var store = Open(DurabilityMode.WriteBehind, configure: o => o.WriteBehindDelay = TimeSpan.FromSeconds(2));
        await store.StoreAsync("k", "v");
        (await store.GetTierStatisticsAsync()).PendingWrites.Should().Be(1);
        RowCount().Should().Be(0);

        _time.Advance(TimeSpan.FromSeconds(2));

        (await store.GetTierStatisticsAsync()).PendingWrites.Should().Be(0);
        RowCount().Should().Be(1);
    }

    [Fact]
    public async Task WriteThrough_IsInTheDatabaseWhenTheCallCompletes()
    {
        await using var store = Open(DurabilityMode.WriteThrough);
        await store.StoreAsync("k", "v");
        RowCount().Should().Be(1);
        await store.DeleteAsync("k");
        RowCount().Should().Be(0);
    }

    [Fact]
    public async Task NoneMode_EvictedEntriesAreHandedDownNotLost()
    {
        await using var store = Open(DurabilityMode.None, maxEntries: 10);
        for (var i = 0; i < 100; i++)
        {
            await store.StoreAsync($"k{i:D3}", i);
        }

        (await store.GetTierStatisticsAsync()).ShortTermEntries.Should().BeLessThanOrEqualTo(10);
        for (var i = 0; i < 100; i++)
        {
            (await store.RetrieveAsync<int>($"k{i:D3}")).Should().Be(i);
        }

        (await store.GetStatisticsAsync()).EntryCount.Should().Be(100);
        (await store.ListKeysAsync(limit: 1000)).Should().HaveCount(100);
    }

    [Fact]
    public async Task NoneMode_RewriteOfADemotedKey_LeavesNoStaleCopyBelow()
    {
        await using var store = Open(DurabilityMode.None, maxEntries: 1);
        await store.StoreAsync("a", "old", new MemoryEntryOptions { Ttl = TimeSpan.FromHours(2) });
        await store.StoreAsync("b", "filler");
        await store.FlushAsync();
        (await store.LocateAsync("a")).Should().Be(MemoryTier.LongTerm);

        await store.StoreAsync("a", "new", new MemoryEntryOptions { Ttl = TimeSpan.FromMinutes(5) });
        await store.FlushAsync();
        _time.Advance(TimeSpan.FromMinutes(10));

        (await store.RetrieveAsync<string>("a")).Should().BeNull("the newer value expired and the older one must not resurface");
    }

    [Fact]
    public async Task LongTermTarget_SkipsTheHotTierUntilRead()
    {
        await using var store = Open();
        await store.StoreAsync("fact", "Paris is in France", new MemoryEntryOptions { Tier = MemoryTier.LongTerm });

        (await store.LocateAsync("fact")).Should().Be(MemoryTier.LongTerm);
        (await store.GetTierStatisticsAsync()).ShortTermEntries.Should().Be(0);

        (await store.RetrieveAsync<string>("fact")).Should().Be("Paris is in France");
        (await store.LocateAsync("fact")).Should().Be(MemoryTier.ShortTerm, "a long-term hit is promoted");
        (await store.GetTierStatisticsAsync()).Promotions.Should().Be(1);
    }

    [Fact]
    public async Task ArchiveTarget_IsRejected()
    {
        await using var store = Open();
        var act = async () => await store.StoreAsync("k", 1, new MemoryEntryOptions { Tier = MemoryTier.Archive });
        await act.Should().ThrowAsync<ArgumentException>().WithMessage("*Archive*consolidation*");
    }

    [Fact]
    public async Task InMemoryStore_RejectsALongTermTarget()
    {
        using var store = new InMemoryStore(timeProvider: _time);
        var act = async () => await store.StoreAsync("k", 1, new MemoryEntryOptions { Tier = MemoryTier.LongTerm });
        await act.Should().ThrowAsync<ArgumentException>().WithMessage("*AddSqlitePersistence*");
    }

    [Theory]
    [InlineData(DurabilityMode.WriteThrough)]
    [InlineData(DurabilityMode.None)]
    public async Task Consolidation_DemotesColdEntriesAndKeepsWarmOnes(DurabilityMode durability)
    {
        await using var store = Open(durability, configure: o => o.Consolidation.Policies.Add(new ColdDemotionPolicy(TimeSpan.FromMinutes(10))));
        await store.StoreAsync("cold", 1);
        await store.StoreAsync("warm", 2);
        await store.StoreAsync("pinned", 3, new MemoryEntryOptions { Priority = MemoryPriority.Critical });

        _time.Advance(TimeSpan.FromMinutes(8));
        await store.RetrieveAsync<int>("warm");
        await store.ConsolidateAsync();
        _time.Advance(TimeSpan.FromMinutes(8));

        var result = await store.ConsolidateAsync();

        result.Demoted.Should().Be(1);
        result.Failed.Should().Be(0);
        result.Trigger.Should().Be(ConsolidationTrigger.Manual);
        (await store.LocateAsync("cold")).Should().Be(MemoryTier.LongTerm);
        (await store.LocateAsync("warm")).Should().Be(MemoryTier.ShortTerm);
        (await store.LocateAsync("pinned")).Should().Be(MemoryTier.ShortTerm);
        (await store.RetrieveAsync<int>("cold")).Should().Be(1);
    }

    [Fact]
    public async Task Consolidation_PromotesFrequentlyReadEntriesAfterARestart()
    {
        await using (var store = Open(maxEntries: 2))
        {
            await store.StoreAsync("popular", "p");
            for (var i = 0; i < 5; i++)
            {
                await store.RetrieveAsync<string>("popular");
            }

            await store.StoreAsync("x", 1);
            await store.StoreAsync("y", 2);
            await store.StoreAsync("z", 3);
        }

        await using (var store = Open(configure: o => o.Consolidation.Policies.Add(new AccessCountPromotionPolicy(3))))
        {
            (await store.GetTierStatisticsAsync()).ShortTermEntries.Should().Be(0);
            var result = await store.ConsolidateAsync();
            result.Promoted.Should().Be(1);
            (await store.LocateAsync("popular")).Should().Be(MemoryTier.ShortTerm);
            (await store.LocateAsync("x")).Should().Be(MemoryTier.LongTerm);
        }
    }

    [Fact]
    public async Task Consolidation_RunsOnTheInterval()
    {
        await using var store = Open(configure: o =>
        {
            o.Consolidation.Interval = TimeSpan.FromMinutes(5);
            o.Consolidation.Policies.Add(new ColdDemotionPolicy(TimeSpan.FromMinutes(1)));
        });
        await store.StoreAsync("k", 1);

        _time.Advance(TimeSpan.FromMinutes(5));
        var result = await store.BackgroundConsolidation!;

        result.Trigger.Should().Be(ConsolidationTrigger.Interval);
        result.Demoted.Should().Be(1);
        (await store.LocateAsync("k")).Should().Be(MemoryTier.LongTerm);
    }

    [Fact]
    public async Task LongTermRows_ExpireAndAreSweptAway()
    {
        await using var store = Open(configure: o => o.ExpirationScanInterval = TimeSpan.FromMinutes(1));
        await store.StoreAsync("short", 1, new MemoryEntryOptions { Ttl = TimeSpan.FromSeconds(30), Tier = MemoryTier.LongTerm });
        RowCount().Should().Be(1);

        _time.Advance(TimeSpan.FromMinutes(1));

        RowCount().Should().Be(0);
        (await store.ExistsAsync("short")).Should().BeFalse();
    }

    [Fact]
    public async Task LargeValues_AreCompressedTransparently()
    {
        var text = string.Concat(Enumerable.Repeat("the quick brown fox jumps over the lazy dog ", 500));
        await using (var store = Open(configure: o => o.CompressionThreshold = 1024))
        {
            await store.StoreAsync("big", text);
        }

        using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT compressed, length(payload) FROM entries WHERE key = 'big';";
            using var reader = command.ExecuteReader();
            reader.Read().Should().BeTrue();
            reader.GetInt64(0).Should().Be(1);
            reader.GetInt64(1).Should().BeLessThan(text.Length / 4);
        }

        await using (var store = Open())
        {
            (await store.RetrieveAsync<string>("big")).Should().Be(text);
        }
    }

    [Fact]
    public void Open_AFileThatIsNotSqlite_FailsClearly()
    {
        File.WriteAllText(DatabasePath, "this is not a database, just some text that happens to be here");
        var act = () => Open();
        act.Should().Throw<MemoryStorageException>().WithMessage("*is not a SQLite database*");
        File.ReadAllText(DatabasePath).Should().StartWith("this is not a database", "the file is left untouched");
    }

    [Fact]
    public void Open_AnotherApplicationsDatabase_FailsClearly()
    {
        using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL);";
            command.ExecuteNonQuery();
        }

        var act = () => Open();
        act.Should().Throw<MemoryStorageException>().WithMessage("*belongs to another application*");
    }

    [Fact]
    public async Task Open_ACorruptDatabase_FailsClearly()
    {
        await using (var store = Open())
        {
            for (var i = 0; i < 2000; i++)
            {
                await store.StoreAsync($"key:{i}", new string('x', 200));
            }
        }

        // Overwrite a stretch of pages in the middle of the file (past the header page).
        using (var stream = new FileStream(DatabasePath, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = stream.Length / 2;
            var garbage = new byte[8192];
            new Random(7).NextBytes(garbage);
            stream.Write(garbage);
        }

        var act = () => Open();
        act.Should().Throw<MemoryStorageException>();
    }

    [Fact]
    public async Task FailedWriteThrough_LeavesTheHotTierAsItWas()
    {
        var store = Open();
        await store.StoreAsync("k", "before");
        store.LongTerm.Dispose();

        var act = async () => await store.StoreAsync("k", "after");
        await act.Should().ThrowAsync<ObjectDisposedException>();

        store.Hot.Export("k")!.Payload.Should().Equal(store.Serializer.Serialize("before"));
        store.Hot.Dispose();
    }

    private long RowCount()
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False;Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM entries;";
        return (long)command.ExecuteScalar()!;
    }
}
