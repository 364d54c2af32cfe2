using System.Text.Json.Serialization;

namespace AgentMemory.AgentFramework;

/// <summary>Source-generated JSON metadata for the facade's bookkeeping records.</summary>
[JsonSerializable(typeof(FlowHead))]
internal sealed partial class AgentFrameworkJsonContext : JsonSerializerContext;
