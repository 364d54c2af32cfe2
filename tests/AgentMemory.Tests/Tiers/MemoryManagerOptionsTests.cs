using AgentMemory.Tiers;
using FluentAssertions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace AgentMemory.Tests.Tiers;

/// <summary>A persistent named memory keeps the options it was created with across a restart of its manager.</summary>
public sealed class MemoryManagerOptionsTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public void Dispose() => _directory.Dispose();

    private string Root => _directory.File("memories");

    private MemoryManager Create() => new(new MemoryManagerOptions { RootDirectory = Root }, _time);

    [Fact]
    public async Task Reopen_AfterARestart_UsesTheOptionsTheMemoryWasCreatedWith()
    {
        await using (var manager = Create())
        {
            await manager.CreateMemoryAsync("bounded", new NamedMemoryOptions { MaxEntries = 3, MaxBytes = 1_000_000, Durability = DurabilityMode.WriteBehind });
            await manager.CreateMemoryAsync("plain");
        }

        await using (var manager = Create())
        {
            var bounded = (TieredMemoryStore)(await manager.GetMemoryAsync("bounded"))!;
            bounded.Durability.Should().Be(DurabilityMode.WriteBehind);
            bounded.Hot.MaxEntries.Should().Be(3);
            (await bounded.GetStatisticsAsync()).MaxBytes.Should().Be(1_000_000);

            var plain = (TieredMemoryStore)(await manager.GetMemoryAsync("plain"))!;
            plain.Durability.Should().Be(DurabilityMode.WriteThrough);
            plain.Hot.MaxEntries.Should().BeNull();
        }
    }

    [Fact]
    public async Task Delete_RemovesTheOptionsFile_AndACorruptOneFailsClearly()
    {
        await using (var manager = Create())
        {
            await manager.CreateMemoryAsync("gone", new NamedMemoryOptions { MaxEntries = 3 });
            await manager.CreateMemoryAsync("broken", new NamedMemoryOptions { MaxEntries = 3 });
            File.Exists(Path.Combine(Root, "gone.options.json")).Should().BeTrue();

            (await manager.DeleteMemoryAsync("gone")).Should().BeTrue();

            File.Exists(Path.Combine(Root, "gone.options.json")).Should().BeFalse();
        }

        await File.WriteAllTextAsync(Path.Combine(Root, "broken.options.json"), "{ not json");
        await using (var manager = Create())
        {
            var get = async () => await manager.GetMemoryAsync("broken");
            await get.Should().ThrowAsync<MemoryStorageException>().WithMessage("*broken.options.json*");
        }
    }
}
