using System.Text.Json.Serialization;

namespace AgentMemory.Locks;

/// <summary>Source-generated JSON metadata for the lock bookkeeping records.</summary>
[JsonSerializable(typeof(LeaseRecord))]
internal sealed partial class LocksJsonContext : JsonSerializerContext;
