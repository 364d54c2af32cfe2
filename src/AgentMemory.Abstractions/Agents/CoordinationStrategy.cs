namespace AgentMemory;

/// <summary>How <see cref="IAgentManager.CoordinateAsync"/> picks an agent for each task. Every strategy only considers live agents that have all of a task's required capabilities.</summary>
public enum CoordinationStrategy
{
    /// <summary>The eligible agents in turn, ordered by id, continuing where the previous coordination stopped.</summary>
    RoundRobin = 0,

    /// <summary>The eligible agent with the smallest load relative to its concurrency limit; ties go to the lower id.</summary>
    LeastLoaded = 1,

    /// <summary>The eligible agent whose capabilities fit the task most tightly (fewest capabilities beyond the required ones); ties go to the least loaded.</summary>
    CapabilityMatch = 2,
}
