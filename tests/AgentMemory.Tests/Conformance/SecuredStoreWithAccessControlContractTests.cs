using AgentMemory.Conformance;

namespace AgentMemory.Tests.Conformance;

/// <summary>The store contract through the secured decorator with access control on, as a principal allowed everything.</summary>
public sealed class SecuredStoreWithAccessControlContractTests : MemoryStoreContractTests
{
    protected override ValueTask<ConformanceSubject> CreateSubjectAsync() => SecuredStoreSubject.CreateAsync(accessControl: true, "*");
}
