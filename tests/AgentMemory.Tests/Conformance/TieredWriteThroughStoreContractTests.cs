using AgentMemory.Conformance;

namespace AgentMemory.Tests.Conformance;

public sealed class TieredWriteThroughStoreContractTests : MemoryStoreContractTests
{
    protected override ValueTask<ConformanceSubject> CreateSubjectAsync() => TieredStoreSubject.CreateAsync(DurabilityMode.WriteThrough);
}
