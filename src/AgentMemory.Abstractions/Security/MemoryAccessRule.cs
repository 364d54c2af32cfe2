namespace AgentMemory;

/// <summary>
/// One grant of the access-control list: <see cref="Subject"/> (a principal id, or <c>role:&lt;name&gt;</c>) may
/// perform <see cref="Actions"/> on keys matching <see cref="ResourcePattern"/> (an exact key or a glob, with the
/// syntax of <see cref="IMemoryStore.ListKeysAsync"/>).
/// </summary>
/// <param name="Subject">The principal id or <c>role:&lt;name&gt;</c> the rule applies to.</param>
/// <param name="ResourcePattern">The key or glob the rule covers.</param>
/// <param name="Actions">The allowed actions.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record MemoryAccessRule(string Subject, string ResourcePattern, MemoryAction Actions);
