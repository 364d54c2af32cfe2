using AgentMemory.Tiers;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.Tiers;

public sealed class MemoryManagerTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public void Dispose() => _directory.Dispose();

    private MemoryManager Create() => new(new MemoryManagerOptions { RootDirectory = _directory.File("memories"), BackupRoot = _directory.File("backups") }, _time);

    [Fact]
    public async Task CreateGetList_AndPersistentMemoriesComeBackAfterARestart()
    {
        await using (var manager = Create())
        {
            var agent = await manager.CreateMemoryAsync("agent-1");
            await manager.CreateMemoryAsync("scratch", new NamedMemoryOptions { Persistent = false });
            await agent.StoreAsync("goal", "write the report");

            (await manager.ListMemoriesAsync()).Should().Equal("agent-1", "scratch");
            (await manager.GetMemoryAsync("agent-1")).Should().BeSameAs(agent);
            (await manager.GetMemoryAsync("nobody")).Should().BeNull();
            var duplicate = async () => await manager.CreateMemoryAsync("agent-1");
            await duplicate.Should().ThrowAsync<ArgumentException>().WithMessage("*already exists*");
            var invalid = async () => await manager.CreateMemoryAsync("../etc");
            await invalid.Should().ThrowAsync<ArgumentException>().WithMessage("*invalid*");
        }

        await using (var manager = Create())
        {
            (await manager.ListMemoriesAsync()).Should().Equal("agent-1");
            var agent = await manager.GetMemoryAsync("agent-1");
            (await agent!.RetrieveAsync<string>("goal")).Should().Be("write the report");
        }
    }

    [Fact]
    public async Task Transfer_MovesEntriesWithKindMetadataAndExpiry()
    {
        await using var manager = Create();
        var source = await manager.CreateMemoryAsync("source");
        var target = await manager.CreateMemoryAsync("target", new NamedMemoryOptions { Persistent = false });
        await source.StoreAsync("note", "remember", new MemoryEntryOptions
        {
            Ttl = TimeSpan.FromHours(1),
            Metadata = new Dictionary<string, MetadataValue> { ["by"] = "planner" },
        });
        await ((IMemoryOperations)source).SetHashAsync("prefs", new Dictionary<string, string> { ["lang"] = "en" });

        var moved = await manager.TransferAsync("source", "target", ["note", "prefs", "missing"]);

        moved.Should().Be(2);
        (await source.ExistsAsync("note")).Should().BeFalse();
        (await target.RetrieveAsync<string>("note")).Should().Be("remember");
        (await target.GetMetadataAsync("note"))!["by"].AsString().Should().Be("planner");
        (await target.GetEntryInfoAsync("note"))!.ExpiresAt.Should().Be(_time.GetUtcNow().AddHours(1));
        (await ((IMemoryOperations)target).GetHashFieldAsync<string>("prefs", "lang")).Value.Should().Be("en");
    }

    [Fact]
    public async Task BackupAndRestore_RoundTripsEveryEntry()
    {
        await using var manager = Create();
        var memory = await manager.CreateMemoryAsync("m");
        var ops = (IMemoryOperations)memory;
        for (var i = 0; i < 500; i++)
        {
            await memory.StoreAsync($"k{i}", i, new MemoryEntryOptions { Priority = MemoryPriority.High });
        }

        await ops.AppendToListAsync("log", ["a", "b"]);
        var info = await manager.BackupAsync("m", "m.bak");
        info.EntryCount.Should().Be(501);

        await memory.StoreAsync("k0", -1);
        await memory.DeleteAsync("k1");
        await memory.StoreAsync("extra", 1);

        var restored = await manager.RestoreAsync("m", "m.bak");

        restored.EntryCount.Should().Be(501);
        (await memory.RetrieveAsync<int>("k0")).Should().Be(0);
        (await memory.RetrieveAsync<int>("k1")).Should().Be(1);
        (await memory.ExistsAsync("extra")).Should().BeFalse();
        (await ops.GetListAsync<string>("log")).Should().Equal("a", "b");
        (await memory.GetEntryInfoAsync("k7"))!.Priority.Should().Be(MemoryPriority.High);
    }

    [Fact]
    public async Task Backup_WhileWritersRun_IsAConsistentSnapshot()
    {
        await using var manager = Create();
        var memory = await manager.CreateMemoryAsync("busy", new NamedMemoryOptions { Durability = DurabilityMode.WriteBehind });
        var ops = (IMemoryOperations)memory;

        // Each writer step moves one unit from "a" to "b" in one batch; every consistent snapshot has a + b == 1000.
        await memory.StoreAsync("a", 1000L);
        await memory.StoreAsync("b", 0L);
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            long a = 1000, b = 0;
            while (!stop.IsCancellationRequested && a > 0)
            {
                a--;
                b++;
                await ops.ExecuteBatchAsync([MemoryBatchOperation.Store("a", a), MemoryBatchOperation.Store("b", b)]);
            }
        });

        for (var i = 0; i < 5; i++)
        {
            await manager.BackupAsync("busy", $"snap{i}.bak");
        }

        await stop.CancelAsync();
        await writer;
        for (var i = 0; i < 5; i++)
        {
            await manager.RestoreAsync($"copy{i}", $"snap{i}.bak");
            var copy = (await manager.GetMemoryAsync($"copy{i}"))!;
            ((await copy.RetrieveAsync<long>("a")) + (await copy.RetrieveAsync<long>("b"))).Should().Be(1000);
        }
    }

    [Fact]
    public async Task Restore_OfATruncatedOrAlteredFile_FailsAndChangesNothing()
    {
        await using var manager = Create();
        var memory = await manager.CreateMemoryAsync("m");
        await memory.StoreAsync("k", "original");
        var info = await manager.BackupAsync("m", "good.bak");
        var bytes = await File.ReadAllBytesAsync(info.Path);
        await memory.StoreAsync("k", "current");

        var backups = _directory.File("backups");
        await File.WriteAllBytesAsync(Path.Combine(backups, "truncated.bak"), bytes[..(bytes.Length - 10)]);
        var altered = (byte[])bytes.Clone();
        altered[altered.Length / 2] ^= 0x40;
        await File.WriteAllBytesAsync(Path.Combine(backups, "altered.bak"), altered);

        var truncated = async () => await manager.RestoreAsync("m", "truncated.bak");
        await truncated.Should().ThrowAsync<MemoryStorageException>();
        var flipped = async () => await manager.RestoreAsync("m", "altered.bak");
        await flipped.Should().ThrowAsync<MemoryStorageException>();
        (await memory.RetrieveAsync<string>("k")).Should().Be("current");
    }

    [Fact]
    public async Task BackupPaths_OutsideTheRoot_AreRejected()
    {
        await using var manager = Create();
        await manager.CreateMemoryAsync("m");

        var traversal = async () => await manager.BackupAsync("m", "../../escape.bak");
        await traversal.Should().ThrowAsync<ArgumentException>().WithMessage("*outside the backup root*");
        var absolute = async () => await manager.RestoreAsync("m", "/etc/passwd");
        await absolute.Should().ThrowAsync<ArgumentException>().WithMessage("*outside the backup root*");
    }
}
