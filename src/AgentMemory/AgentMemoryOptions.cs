using AgentMemory.Storage;

namespace AgentMemory;

/// <summary>The settings of an AgentMemory registration, configured through <c>services.AddAgentMemory(o => ...)</c>.</summary>
/// <remarks>
/// Validated when the host starts (and at the latest when the store is first resolved); an invalid value fails
/// with an <c>OptionsValidationException</c> whose message names the option. Not thread-safe to mutate after start.
/// </remarks>
public sealed class AgentMemoryOptions
{
    /// <summary>Settings of the in-process hot tier: capacity limits and the expiry sweep.</summary>
    public HotTierOptions HotTier { get; } = new();
}
