using AgentMemory.Persistence;
using AgentMemory.PostgreSql.LongTerm;
using AgentMemory.PostgreSql.Tests.Infrastructure;
using AgentMemory.Tiers;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace AgentMemory.PostgreSql.Tests.LongTerm;

[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlLongTermStoreTests(PostgresServerFixture fixture)
{
    private static readonly Dictionary<string, MetadataValue> EveryKind = new(StringComparer.Ordinal)
    {
        ["null"] = MetadataValue.Null,
        ["true"] = true,
        ["false"] = false,
        ["int"] = 42,
        ["int.min"] = long.MinValue,
        ["int.max"] = long.MaxValue,
        ["double.one"] = 1.0,
        ["double.tenth"] = 0.1,
        ["double.big"] = 1e300,
        ["double.max"] = double.MaxValue,
        ["double.tiny"] = double.Epsilon,
        ["double.negative"] = -2.5e-7,
        ["string"] = "héllo \"wörld\" \\ \n\t 🧠 <tag>",
        ["empty"] = string.Empty,
        ["list"] = MetadataValue.FromList(1, 1.0, "1", true, MetadataValue.Null, MetadataValue.FromList()),
        ["map"] = MetadataValue.FromMap([new("nested", MetadataValue.FromMap([new("deep", 2.0), new("n", 3)])), new("items", MetadataValue.FromList("a", "b"))]),
        ["empty.map"] = MetadataValue.FromMap([]),
    };

    private string ConnectionString => fixture.Server.AdminConnectionString;

    [SkippableFact]
    public async Task Reopen_BringsEveryEntryBack_WithItsTtlMetadataAndKind()
    {
        var schema = PostgresServerFixture.UniqueSchema("restart");
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var meta = new MemoryEntryOptions { Ttl = TimeSpan.FromMinutes(10), Metadata = new Dictionary<string, MetadataValue> { ["team"] = "blue", ["score"] = 0.5 }, Priority = MemoryPriority.High };
        var big = new string('x', 20_000);
        await using (var store = PostgreSqlTieredSubject.Open(ConnectionString, schema, DurabilityMode.WriteBehind, time))
        {
            await store.StoreAsync("value", "v", meta);
            await store.StoreAsync("forever", 7);
            await store.StoreAsync("big", big);
            await store.SetHashFieldAsync("hash", "f", "x");
            await store.AppendToListAsync("list", ["a", "b"]);
            await store.StoreAsync("short", 1, new MemoryEntryOptions { Ttl = TimeSpan.FromSeconds(30) });
        }

        time.Advance(TimeSpan.FromMinutes(1));
        await using (var store = PostgreSqlTieredSubject.Open(ConnectionString, schema, DurabilityMode.WriteThrough, time))
        {
            (await store.RetrieveAsync<string>("value")).Should().Be("v");
            (await store.RetrieveAsync<int>("forever")).Should().Be(7);
            (await store.RetrieveAsync<string>("big")).Should().Be(big);
            (await store.GetHashFieldAsync<string>("hash", "f")).Value.Should().Be("x");
            (await store.GetListAsync<string>("list")).Should().Equal("a", "b");
            (await store.ExistsAsync("short")).Should().BeFalse("its 30 s TTL ran out while the store was closed");
            (await store.GetMetadataAsync("value")).Should().BeEquivalentTo(meta.Metadata);
            var entry = await store.GetEntryInfoAsync("value");
            entry!.Priority.Should().Be(MemoryPriority.High);
            entry.ExpiresAt.Should().Be(time.GetUtcNow() - TimeSpan.FromMinutes(1) + TimeSpan.FromMinutes(10));
            (await store.ListKeysAsync("*")).Should().BeEquivalentTo("value", "forever", "big", "hash", "list");

            time.Advance(TimeSpan.FromMinutes(10));
            (await store.ExistsAsync("value")).Should().BeFalse("the TTL survived the restart");
            (await store.ExistsAsync("forever")).Should().BeTrue();
        }

        await using var connection = await OpenAsync();
        await using var compressed = new NpgsqlCommand($"SELECT compressed FROM \"{schema}\".long_term_entries WHERE key = 'big'", connection);
        (await compressed.ExecuteScalarAsync()).Should().Be(true, "a 20 kB payload is above the default threshold");
    }

    [SkippableFact]
    public async Task Metadata_OfEveryKind_RoundTripsExactly_ThroughTheJsonbColumn()
    {
        var schema = PostgresServerFixture.UniqueSchema("meta");
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using (var store = PostgreSqlTieredSubject.Open(ConnectionString, schema, DurabilityMode.WriteThrough, time))
        {
            await store.StoreAsync("k", 1, new MemoryEntryOptions { Metadata = EveryKind });
        }

        await using var connection = await OpenAsync();
        await using (var raw = new NpgsqlCommand($"SELECT metadata_raw IS NULL, jsonb_typeof(metadata->'int'), jsonb_typeof(metadata->'double.one'), metadata->>'double.one', metadata->'map'->'nested'->>'deep' FROM \"{schema}\".long_term_entries WHERE key = 'k'", connection))
        await using (var reader = await raw.ExecuteReaderAsync())
        {
            (await reader.ReadAsync()).Should().BeTrue();
            reader.GetBoolean(0).Should().BeTrue("everything here has an exact JSON form");
            reader.GetString(1).Should().Be("number");
            reader.GetString(2).Should().Be("number");
            reader.GetString(3).Should().Be("1.0", "a double keeps its fraction in JSONB");
            reader.GetString(4).Should().Be("2.0");
        }

        await using (var store = PostgreSqlTieredSubject.Open(ConnectionString, schema, DurabilityMode.WriteThrough, time))
        {
            var read = (await store.GetMetadataAsync("k"))!;
            read.Should().HaveCount(EveryKind.Count);
            foreach (var (key, value) in EveryKind)
            {
                read[key].Should().Be(value, $"metadata '{key}' ({value.Kind}) must come back with its kind and value");
            }
        }
    }

    [SkippableFact]
    public async Task Metadata_JsonCannotCarry_IsKeptExactly_AsMessagePack()
    {
        var schema = PostgresServerFixture.UniqueSchema("metaraw");
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var odd = new Dictionary<string, MetadataValue> { ["nul"] = "a\0b", ["negzero"] = -0.0 };
        await using (var store = PostgreSqlTieredSubject.Open(ConnectionString, schema, DurabilityMode.WriteThrough, time))
        {
            await store.StoreAsync("k", 1, new MemoryEntryOptions { Metadata = odd });
        }

        await using var store2 = PostgreSqlTieredSubject.Open(ConnectionString, schema, DurabilityMode.WriteThrough, time);
        var read = (await store2.GetMetadataAsync("k"))!;
        read["nul"].Should().Be((MetadataValue)"a\0b");
        double.IsNegative(read["negzero"].AsDouble()).Should().BeTrue();
    }

    [SkippableFact]
    public async Task FindKeysByMetadata_UsesJsonbContainment()
    {
        var schema = PostgresServerFixture.UniqueSchema("find");
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        using var longTerm = PostgreSqlLongTermStore.Open(new PostgreSqlMemoryOptions { ConnectionString = ConnectionString, Schema = schema });
        var now = time.GetUtcNow().UtcTicks;
        longTerm.Apply(
        [
            LongTermWrite.Upsert(Entry("a", now, """{"team": "blue", "level": 1}""")),
            LongTermWrite.Upsert(Entry("b", now, """{"team": "blue", "level": 2, "tags": ["x", "y"]}""")),
            LongTermWrite.Upsert(Entry("c", now, """{"team": "red", "level": 1}""")),
            LongTermWrite.Upsert(Entry("gone", now, """{"team": "blue"}""", expires: now + 1)),
        ]);
        time.Advance(TimeSpan.FromSeconds(1));

        longTerm.FindKeysByMetadata(new Dictionary<string, MetadataValue> { ["team"] = "blue" }, time.GetUtcNow()).Should().Equal("a", "b");
        longTerm.FindKeysByMetadata(new Dictionary<string, MetadataValue> { ["level"] = 1 }, time.GetUtcNow()).Should().Equal("a", "c");
        longTerm.FindKeysByMetadata(new Dictionary<string, MetadataValue> { ["tags"] = MetadataValue.FromList("y") }, time.GetUtcNow()).Should().Equal("b");
        longTerm.FindKeysByMetadata(new Dictionary<string, MetadataValue> { ["level"] = 1.0 }, time.GetUtcNow()).Should().Equal(["a", "c"], "JSONB compares numbers by value, so a filter of 1.0 matches a stored integer 1");
        var act = () => longTerm.FindKeysByMetadata(new Dictionary<string, MetadataValue>(), time.GetUtcNow());
        act.Should().Throw<ArgumentException>();
    }

    [SkippableFact]
    public async Task TwoStoresOpeningAtOnce_MigrateOnce_AndBothWork()
    {
        var schema = PostgresServerFixture.UniqueSchema("concurrent");
        var options = new PostgreSqlMemoryOptions { ConnectionString = ConnectionString, Schema = schema };
        using var start = new Barrier(4);
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            return PostgreSqlLongTermStore.Open(options);
        })));
        try
        {
            stores[0].Apply([LongTermWrite.Upsert(Entry("a", 1))]);
            stores[3].Get("a", 0).Should().NotBeNull();
            await using var connection = await OpenAsync();
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM \"{schema}\".schema_version WHERE component = 'long_term'", connection);
            (await count.ExecuteScalarAsync()).Should().Be((long)LongTermMigrations.All.Count);
            PostgreSqlLongTermStore.Open(options).Dispose();
            (await count.ExecuteScalarAsync()).Should().Be((long)LongTermMigrations.All.Count, "reopening is idempotent");
        }
        finally
        {
            foreach (var store in stores)
            {
                store.Dispose();
            }
        }
    }

    [SkippableFact]
    public void Open_WithoutMigrations_OnAnEmptySchema_FailsNamingTheFix()
    {
        var act = () => PostgreSqlLongTermStore.Open(new PostgreSqlMemoryOptions { ConnectionString = ConnectionString, Schema = PostgresServerFixture.UniqueSchema("nomig"), RunMigrations = false });

        act.Should().Throw<MemoryStorageException>().WithMessage("*schema version 0*RunMigrations*");
    }

    [Fact]
    public void Open_InvalidOptions_ThrowsArgumentExceptionNamingThem()
    {
        var act = () => PostgreSqlLongTermStore.Open(new PostgreSqlMemoryOptions { ConnectionString = "Host=x", Schema = "no-dashes" });
        act.Should().Throw<ArgumentException>().WithMessage("*PostgreSqlMemoryOptions.Schema*");
        var threshold = () => PostgreSqlLongTermStore.Open(new PostgreSqlMemoryOptions { ConnectionString = "Host=x" }, compressionThreshold: 0);
        threshold.Should().Throw<ArgumentException>().WithMessage("*compression threshold*");
    }

    private static PersistedEntry Entry(string key, long created, string? metadataJson = null, long expires = PersistedEntry.NoExpiry) =>
        new(key, MemoryEntryKind.Value, [1, 2, 3], metadataJson is null ? null : MetadataJson.FromJson(metadataJson), MemoryPriority.Normal, created, created, created, expires, 0);

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
