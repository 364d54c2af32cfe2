using AgentMemory.Conformance;

namespace AgentMemory.Tests.Conformance;

public sealed class TieredWriteBehindStoreContractTests : MemoryStoreContractTests
{
    protected override ValueTask<ConformanceSubject> CreateSubjectAsync() => TieredStoreSubject.CreateAsync(DurabilityMode.WriteBehind);
}
