namespace AgentMemory.Persistence.Archive;

/// <summary>Where the live record of one key sits: the block that holds it and its position in that block.</summary>
/// <param name="Segment">The id of the segment file.</param>
/// <param name="Offset">The block's offset in the file, at its length prefix.</param>
/// <param name="Length">The block's length on disk, prefix and checksum included.</param>
/// <param name="Record">The record's index within the block.</param>
/// <param name="ExpiresTicks">When the entry expires, in UTC ticks (<see cref="PersistedEntry.NoExpiry"/> for never).</param>
/// <param name="Bytes">The record's share of the block's bytes on disk, for garbage accounting.</param>
internal readonly record struct ArchiveLocation(int Segment, long Offset, int Length, int Record, long ExpiresTicks, long Bytes);
