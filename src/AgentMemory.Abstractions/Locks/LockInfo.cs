namespace AgentMemory;

/// <summary>Who holds a lock, as returned by <see cref="IDistributedLockProvider.GetLockInfoAsync"/>.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
/// <param name="Resource">The locked resource.</param>
/// <param name="LeaseId">The identifier of the live lease.</param>
/// <param name="FencingToken">The live lease's fencing token.</param>
/// <param name="Owner">The holder's name, if it gave one.</param>
/// <param name="AcquiredAt">When the lease was granted.</param>
/// <param name="ExpiresAt">When the lease runs out unless extended.</param>
public sealed record LockInfo(string Resource, string LeaseId, long FencingToken, string? Owner, DateTimeOffset AcquiredAt, DateTimeOffset ExpiresAt);
