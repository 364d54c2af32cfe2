using AgentMemory.Conformance;

namespace AgentMemory.Tests.Conformance;

public sealed class TieredNoneStoreContractTests : MemoryStoreContractTests
{
    protected override ValueTask<ConformanceSubject> CreateSubjectAsync() => TieredStoreSubject.CreateAsync(DurabilityMode.None);
}
