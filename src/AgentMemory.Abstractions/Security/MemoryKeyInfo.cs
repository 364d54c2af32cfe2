namespace AgentMemory;

/// <summary>What a key provider tells about one key (never the key material).</summary>
/// <param name="KeyId">The key id written into every envelope the key encrypts.</param>
/// <param name="Status">The key's state.</param>
/// <param name="CreatedAt">When the provider got or generated the key.</param>
/// <param name="EncryptionCount">How many values the key has encrypted in this process.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record MemoryKeyInfo(string KeyId, MemoryKeyStatus Status, DateTimeOffset CreatedAt, long EncryptionCount);
