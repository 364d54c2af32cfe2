using System.Text.Json.Serialization;

namespace AgentMemory.Workflows;

/// <summary>Source-generated JSON metadata for the workflow bookkeeping records.</summary>
[JsonSerializable(typeof(WorkflowHead))]
internal sealed partial class WorkflowsJsonContext : JsonSerializerContext;
