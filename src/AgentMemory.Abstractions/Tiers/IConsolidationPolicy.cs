namespace AgentMemory;

/// <summary>
/// A rule consolidation applies to each entry of the hot and long-term tiers. Policies run in the order they are
/// configured; the first one that returns something other than <see cref="ConsolidationAction.None"/> decides.
/// </summary>
/// <remarks>
/// Implementations must be thread-safe and fast (they run once per entry per pass) and must not call back into the
/// store. An action that does not apply to the entry's tier (for example <see cref="ConsolidationAction.Archive"/>
/// for a hot entry) is ignored.
/// </remarks>
public interface IConsolidationPolicy
{
    /// <summary>Decides what to do with one entry.</summary>
    /// <param name="candidate">The entry as the pass sees it.</param>
    /// <param name="now">The store's current time.</param>
    /// <returns>The action to take.</returns>
    ConsolidationAction Evaluate(ConsolidationCandidate candidate, DateTimeOffset now);
}
