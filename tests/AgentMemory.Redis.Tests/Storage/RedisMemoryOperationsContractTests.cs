using AgentMemory.Conformance;
using AgentMemory.Redis.Tests.Infrastructure;

namespace AgentMemory.Redis.Tests.Storage;

/// <summary>Runs the <see cref="IMemoryOperations"/> contract, unchanged, against the Redis store.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisMemoryOperationsContractTests(RedisServerFixture fixture) : MemoryOperationsContractTests
{
    protected override ValueTask<ConformanceSubject> CreateSubjectAsync() => RedisStoreSubject.CreateAsync(fixture, "operations-contract");
}
