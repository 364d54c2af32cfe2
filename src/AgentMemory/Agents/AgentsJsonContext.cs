using System.Text.Json.Serialization;

namespace AgentMemory.Agents;

/// <summary>Source-generated JSON metadata for the agent and pool records.</summary>
[JsonSerializable(typeof(AgentRecord))]
[JsonSerializable(typeof(AgentPoolRecord))]
internal sealed partial class AgentsJsonContext : JsonSerializerContext;
