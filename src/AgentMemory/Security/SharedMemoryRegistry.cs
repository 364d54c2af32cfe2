namespace AgentMemory.Security;

/// <summary>
/// Creates shared memories between agents and grants or revokes each agent's access at run time. Membership is
/// the access-control list itself (rules on <see cref="SharedMemory.Pattern"/>), so it is persisted with the store
/// and enforced by the secured store like any other rule.
/// </summary>
/// <remarks>Thread-safe.</remarks>
/// <param name="security">The security service whose access-control list holds the memberships.</param>
public sealed class SharedMemoryRegistry(MemorySecurity security)
{
    /// <summary>What a member may do by default: read, write and delete, but not administer.</summary>
    public const MemoryAction DefaultActions = MemoryAction.Read | MemoryAction.Write | MemoryAction.Delete;

    private readonly MemorySecurity _security = security ?? throw new ArgumentNullException(nameof(security));

    /// <summary>Creates (or extends) the shared memory <paramref name="name"/> and grants each allowed agent <paramref name="actions"/> on it.</summary>
    /// <param name="name">1 to 128 characters of <c>A-Z a-z 0-9 . _ -</c>.</param>
    /// <param name="allowedAgents">The agents that may use it.</param>
    /// <param name="actions">What they may do; defaults to <see cref="DefaultActions"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The shared memory.</returns>
    /// <exception cref="ArgumentException">The name or an agent id is invalid.</exception>
    /// <exception cref="MemoryAccessDeniedException">The ambient principal may not administer the memory.</exception>
    public async ValueTask<SharedMemory> CreateAsync(string name, IEnumerable<string> allowedAgents, MemoryAction actions = DefaultActions, CancellationToken cancellationToken = default)
    {
        var memory = SharedMemory.Create(name);
        ArgumentNullException.ThrowIfNull(allowedAgents);
        foreach (var agent in allowedAgents)
        {
            await _security.GrantAccessAsync(ValidateAgent(agent), memory.Pattern, actions, cancellationToken).ConfigureAwait(false);
        }

        return memory;
    }

    /// <summary>Gives <paramref name="agentId"/> access to the shared memory <paramref name="name"/>.</summary>
    /// <param name="name">The memory's name.</param>
    /// <param name="agentId">The agent.</param>
    /// <param name="actions">What it may do; defaults to <see cref="DefaultActions"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> if the agent gained an action it did not have.</returns>
    /// <exception cref="ArgumentException">The name or agent id is invalid.</exception>
    /// <exception cref="MemoryAccessDeniedException">The ambient principal may not administer the memory.</exception>
    public ValueTask<bool> GrantAccessAsync(string name, string agentId, MemoryAction actions = DefaultActions, CancellationToken cancellationToken = default) =>
        _security.GrantAccessAsync(ValidateAgent(agentId), SharedMemory.Create(name).Pattern, actions, cancellationToken);

    /// <summary>Takes every action on the shared memory <paramref name="name"/> away from <paramref name="agentId"/>; effective for its next call.</summary>
    /// <param name="name">The memory's name.</param>
    /// <param name="agentId">The agent.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> if the agent had access.</returns>
    /// <exception cref="ArgumentException">The name or agent id is invalid.</exception>
    /// <exception cref="MemoryAccessDeniedException">The ambient principal may not administer the memory.</exception>
    public ValueTask<bool> RevokeAccessAsync(string name, string agentId, CancellationToken cancellationToken = default) =>
        _security.RevokeAccessAsync(ValidateAgent(agentId), SharedMemory.Create(name).Pattern, MemoryAction.All, cancellationToken);

    /// <summary>Lists the agents (and roles) with access to the shared memory <paramref name="name"/>.</summary>
    /// <param name="name">The memory's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The subjects, ordered.</returns>
    /// <exception cref="ArgumentException">The name is invalid.</exception>
    public async ValueTask<IReadOnlyList<string>> GetAgentsAsync(string name, CancellationToken cancellationToken = default)
    {
        var pattern = SharedMemory.Create(name).Pattern;
        var rules = await _security.GetAccessRulesAsync(cancellationToken).ConfigureAwait(false);
        return [.. rules.Where(r => r.ResourcePattern == pattern).Select(r => r.Subject).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Returns the shared memory <paramref name="name"/> as <paramref name="agent"/> sees it: a secured store bound
    /// to the agent, or null when the agent may not read it (the refusal is audited).
    /// </summary>
    /// <param name="name">The memory's name.</param>
    /// <param name="agent">The agent.</param>
    /// <param name="store">The secured store to bind to the agent.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The memory and the agent's view of the store, or null.</returns>
    /// <exception cref="ArgumentException">The name is invalid.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="agent"/> or <paramref name="store"/> is null.</exception>
    public async ValueTask<(SharedMemory Memory, SecuredMemoryStore Store)?> AccessAsync(string name, MemoryPrincipal agent, SecuredMemoryStore store, CancellationToken cancellationToken = default)
    {
        var memory = SharedMemory.Create(name);
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(store);
        return await _security.CheckAccessAsync(agent, memory.Prefix, MemoryAction.Read, cancellationToken).ConfigureAwait(false)
            ? (memory, store.ForPrincipal(agent))
            : null;
    }

    private static string ValidateAgent(string agentId)
    {
        // Constructing a principal applies the id rules (not empty, not a role, bounded length).
        _ = new MemoryPrincipal(agentId);
        return agentId;
    }
}
