namespace AgentMemory;

/// <summary>A pool's size and task slots now.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
/// <param name="PoolId">The pool.</param>
/// <param name="Config">Its bounds and target.</param>
/// <param name="Size">Its members, alive or not.</param>
/// <param name="AliveAgents">Members that are heartbeating.</param>
/// <param name="TotalSlots">The sum of the alive members' concurrency limits.</param>
/// <param name="UsedSlots">Tasks (running and queued) held by alive members.</param>
public sealed record AgentPoolCapacity(string PoolId, AgentPoolConfig Config, int Size, int AliveAgents, int TotalSlots, int UsedSlots)
{
    /// <summary>Slots alive members could still fill without queueing; never negative.</summary>
    public int FreeSlots => Math.Max(0, TotalSlots - UsedSlots);

    /// <summary>How many more members the pool may take before reaching its maximum.</summary>
    public int Headroom => Math.Max(0, Config.MaxSize - Size);
}
