using AgentMemory.Conformance;

namespace AgentMemory.Tests.Conformance;

/// <summary>
/// The operations contract through the secured decorator with access control on, and hashes, lists, batches and
/// compare-and-swap keys encrypted. The counter keys of the suite are left out of the policy: counters under an
/// encrypted key are refused by design (see SecuredStoreEncryptionTests).
/// </summary>
public sealed class SecuredOperationsContractTests : MemoryOperationsContractTests
{
    protected override ValueTask<ConformanceSubject> CreateSubjectAsync() => SecuredStoreSubject.CreateAsync(accessControl: true, "user:*", "h*", "log", "status", "a", "b", "d", "profile", "key*", "old", "value", "empty", "f", "fr", "five");
}
