using AgentMemory.Conformance;

namespace AgentMemory.Tests.Conformance;

public sealed class TieredNoneOperationsContractTests : MemoryOperationsContractTests
{
    protected override ValueTask<ConformanceSubject> CreateSubjectAsync() => TieredStoreSubject.CreateAsync(DurabilityMode.None);
}
