using AgentMemory.Conformance;

namespace AgentMemory.Tests.Conformance;

/// <summary>The store contract through the secured decorator, every value encrypted.</summary>
public sealed class SecuredStoreContractTests : MemoryStoreContractTests
{
    protected override ValueTask<ConformanceSubject> CreateSubjectAsync() => SecuredStoreSubject.CreateAsync(accessControl: false, "*");
}
