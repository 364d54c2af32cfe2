using AgentMemory.Conformance;

namespace AgentMemory.Tests.Conformance;

public sealed class TieredWriteBehindOperationsContractTests : MemoryOperationsContractTests
{
    protected override ValueTask<ConformanceSubject> CreateSubjectAsync() => TieredStoreSubject.CreateAsync(DurabilityMode.WriteBehind);
}
