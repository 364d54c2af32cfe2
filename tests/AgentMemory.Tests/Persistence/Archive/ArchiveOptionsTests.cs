using AgentMemory.Persistence.Archive;

namespace AgentMemory.Tests.Persistence.Archive;

public sealed class ArchiveOptionsTests
{
    [Fact]
    public void Defaults_AreValidOnceADirectoryIsSet()
    {
        var options = new ArchiveOptions { Directory = "archive" };

        options.Validate().Should().BeEmpty();
        options.MaxSegmentBytes.Should().Be(64L * 1024 * 1024);
        options.CompactionGarbageRatio.Should().Be(0.5);
        options.BlockTransform.Should().BeNull();
    }

    [Theory]
    [InlineData("", 4096, 0.5, "Directory")]
    [InlineData("   ", 4096, 0.5, "Directory")]
    [InlineData("dir\0x", 4096, 0.5, "Directory")]
    [InlineData("d", 4095, 0.5, "MaxSegmentBytes")]
    [InlineData("d", 4096, 0.0, "CompactionGarbageRatio")]
    [InlineData("d", 4096, 1.01, "CompactionGarbageRatio")]
    [InlineData("d", 4096, double.NaN, "CompactionGarbageRatio")]
    public void Validate_BadValue_NamesTheOptionWithThePrefix(string directory, long maxSegmentBytes, double ratio, string option)
    {
        var options = new ArchiveOptions { Directory = directory, MaxSegmentBytes = maxSegmentBytes, CompactionGarbageRatio = ratio };

        options.Validate("Memory.Archive").Should().ContainSingle().Which.Should().StartWith($"Memory.Archive.{option} ");
    }

    [Fact]
    public void Validate_EdgeValues_AreAccepted()
    {
        var options = new ArchiveOptions { Directory = "d", MaxSegmentBytes = ArchiveOptions.MinSegmentBytes, CompactionGarbageRatio = 1 };

        options.Validate().Should().BeEmpty();
    }
}
