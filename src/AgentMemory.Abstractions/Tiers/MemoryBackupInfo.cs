namespace AgentMemory;

/// <summary>What a backup or restore handled.</summary>
/// <param name="MemoryName">The memory backed up or restored into.</param>
/// <param name="Path">The backup file's full path.</param>
/// <param name="EntryCount">Entries written to the file, or restored into the memory.</param>
/// <param name="SizeBytes">The backup file's size.</param>
/// <param name="CreatedAt">When the backup was taken.</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record MemoryBackupInfo(string MemoryName, string Path, long EntryCount, long SizeBytes, DateTimeOffset CreatedAt);
