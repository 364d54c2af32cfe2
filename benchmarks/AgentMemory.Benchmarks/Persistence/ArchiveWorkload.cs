using System.Buffers;
using AgentMemory.Persistence;
using AgentMemory.Persistence.Archive;
using MessagePack;

namespace AgentMemory.Benchmarks.Persistence;

/// <summary>Entries, directories and the raw-file floor shared by the archive benchmarks.</summary>
internal static class ArchiveWorkload
{
    /// <summary>
    /// <paramref name="count"/> entries with 100-byte values: half random bytes, half text, so compression has
    /// something to do but not everything.
    /// </summary>
    public static PersistedEntry[] Entries(int count, int seed = 42)
    {
        var random = new Random(seed);
        var entries = new PersistedEntry[count];
        for (var i = 0; i < count; i++)
        {
            var value = new byte[100];
            random.NextBytes(value.AsSpan(0, 50));
            "agent context: the user prefers short answers."u8.CopyTo(value.AsSpan(50));
            entries[i] = new PersistedEntry($"session:{i % 97}:fact:{i}", MemoryEntryKind.Value, value, null, MemoryPriority.Normal, 1, 2, 3, PersistedEntry.NoExpiry, 0);
        }

        return entries;
    }

    /// <summary>A fresh directory under the system's temporary directory.</summary>
    public static string NewDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "agentmemory-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>The records MessagePack-encoded the way the archive encodes them, without compression or checksum.</summary>
    public static byte[] Encode(IReadOnlyList<PersistedEntry> entries)
    {
        var buffer = new ArrayBufferWriter<byte>(entries.Count * 160);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(entries.Count);
        foreach (var entry in entries)
        {
            ArchiveRecordCodec.WriteEntry(ref writer, entry);
        }

        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Deletes a benchmark directory, ignoring failures.</summary>
    public static void Delete(string? path)
    {
        if (path is not null && Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }
}
