namespace AgentMemory.Benchmarks.Storage;

/// <summary>What every thread of a <see cref="ThroughputBenchmarks"/> run does, over and over.</summary>
public enum ThroughputOperation
{
    /// <summary>Reads a present key.</summary>
    GetHit,

    /// <summary>Overwrites a present key with a 100-byte value.</summary>
    Set,
}
