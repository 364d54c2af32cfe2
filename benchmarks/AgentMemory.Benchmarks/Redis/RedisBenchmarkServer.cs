namespace AgentMemory.Benchmarks.Redis;

/// <summary>Where the Redis benchmarks find their server: <c>AGENTMEMORY_REDIS</c>, or <c>localhost:6379</c>.</summary>
internal static class RedisBenchmarkServer
{
    public static string ConnectionString => Environment.GetEnvironmentVariable("AGENTMEMORY_REDIS") ?? "localhost:6379";
}
