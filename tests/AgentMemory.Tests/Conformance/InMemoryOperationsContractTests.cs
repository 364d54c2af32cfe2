using AgentMemory.Conformance;

namespace AgentMemory.Tests.Conformance;

/// <summary>Runs the <see cref="IMemoryOperations"/> contract against the in-process store.</summary>
public sealed class InMemoryOperationsContractTests : MemoryOperationsContractTests
{
    protected override ValueTask<ConformanceSubject> CreateSubjectAsync() => InMemoryStoreSubject.CreateAsync();
}
