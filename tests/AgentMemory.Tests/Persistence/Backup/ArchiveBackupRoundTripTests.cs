using AgentMemory.Persistence;
using AgentMemory.Persistence.Archive;
using AgentMemory.Persistence.Backup;
using AgentMemory.Tests.Persistence.Archive;
using static AgentMemory.Tests.Persistence.PersistedEntries;

namespace AgentMemory.Tests.Persistence.Backup;

/// <summary>The two components together: an archive backed up with the backup format and restored into a fresh archive.</summary>
public sealed class ArchiveBackupRoundTripTests
{
    [Fact]
    public void BackupOfAnArchive_RestoredInBatches_IntoANewArchive_HasTheSameLiveEntries()
    {
        using var source = new ArchiveHarness();
        for (var i = 0; i < 2_000; i += 100)
        {
            source.Store.Append(Enumerable.Range(i, 100).Select(j => Create($"k{j}", $"value {j}", seed: j)).ToList());
        }

        source.Store.Remove("k7");
        using var file = new MemoryStream();
        BackupFormat.Write(file, "source", source.Now, source.Store.ReadAll(source.Now)).Should().Be(1_999);

        file.Position = 0;
        using var reader = BackupFormat.Open(file);
        using var target = new ArchiveHarness();
        foreach (var batch in reader.ReadEntries().Chunk(500))
        {
            target.Store.Append(batch);
        }

        target.Store.Count.Should().Be(1_999);
        target.Store.ReadAll(target.Now).Select(Describe).Should().BeEquivalentTo(source.Store.ReadAll(source.Now).Select(Describe));
        target.Get("k7").Should().BeNull();
    }
}
