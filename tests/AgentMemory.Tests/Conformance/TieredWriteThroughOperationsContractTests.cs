using AgentMemory.Conformance;

namespace AgentMemory.Tests.Conformance;

public sealed class TieredWriteThroughOperationsContractTests : MemoryOperationsContractTests
{
    protected override ValueTask<ConformanceSubject> CreateSubjectAsync() => TieredStoreSubject.CreateAsync(DurabilityMode.WriteThrough);
}
