using AgentMemory.AgentFramework;
using AgentMemory.Agents;
using AgentMemory.Locks;
using AgentMemory.Workflows;

namespace AgentMemory;

/// <summary>
/// The settings of the agent-coordination services (locks, agents and pools, workflows, the agent-framework
/// facade), configured through <c>services.AddAgentMemory().AddAgentCoordination(o => ...)</c>.
/// </summary>
/// <remarks>
/// Validated when the host starts (and at the latest when a coordination service is first resolved); an invalid
/// value fails with an <c>OptionsValidationException</c> whose message names the option. Not thread-safe to mutate after start.
/// </remarks>
public sealed class AgentCoordinationOptions
{
    /// <summary>Lock provider settings: key prefix, default lease and wait.</summary>
    public LockProviderOptions Locks { get; } = new();

    /// <summary>Agent manager and pool settings: key prefix and heartbeat TTL.</summary>
    public AgentManagerOptions Agents { get; } = new();

    /// <summary>Workflow state settings: key prefix and retention of finished workflows.</summary>
    public WorkflowStoreOptions Workflows { get; } = new();

    /// <summary>Agent-framework facade settings: key prefix, embedding dimension, health thresholds.</summary>
    public AgentMemoryFacadeOptions Facade { get; } = new();

    /// <summary>Checks every part and lists what is wrong, naming each option.</summary>
    /// <returns>The problems found; empty when the settings are valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        const string Root = nameof(AgentCoordinationOptions);
        return
        [
            .. Locks.Validate($"{Root}.{nameof(Locks)}"),
            .. Agents.Validate($"{Root}.{nameof(Agents)}"),
            .. Workflows.Validate($"{Root}.{nameof(Workflows)}"),
            .. Facade.Validate($"{Root}.{nameof(Facade)}"),
        ];
    }
}
