namespace AgentMemory.Locks;

/// <summary>The stored form of a live lease.</summary>
internal sealed record LeaseRecord(string LeaseId, long Token, string? Owner, DateTimeOffset AcquiredAt, DateTimeOffset ExpiresAt, long TtlTicks);
