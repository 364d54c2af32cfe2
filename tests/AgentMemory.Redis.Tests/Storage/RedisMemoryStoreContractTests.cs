using AgentMemory.Conformance;
using AgentMemory.Redis.Tests.Infrastructure;

namespace AgentMemory.Redis.Tests.Storage;

/// <summary>Runs the <see cref="IMemoryStore"/> contract, unchanged, against the Redis store.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisMemoryStoreContractTests(RedisServerFixture fixture) : MemoryStoreContractTests
{
    protected override ValueTask<ConformanceSubject> CreateSubjectAsync() => RedisStoreSubject.CreateAsync(fixture, "store-contract");
}
