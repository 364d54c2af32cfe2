using AgentMemory.Conformance;

namespace AgentMemory.Tests.Conformance;

/// <summary>Runs the <see cref="IMemoryStore"/> contract against the in-process store.</summary>
public sealed class InMemoryStoreContractTests : MemoryStoreContractTests
{
    protected override ValueTask<ConformanceSubject> CreateSubjectAsync() => InMemoryStoreSubject.CreateAsync();
}
