using AgentMemory.Security;
using AgentMemory.Storage;

namespace AgentMemory.Tests.Security;

public sealed class AuditFailureTests
{
    [Fact]
    public async Task WhenTheAuditLogFails_TheCallFailsBeforeReachingTheStore()
    {
        using var inner = new InMemoryStore();
        using var keys = new InProcessKeyProvider();
        keys.AddKey("k1", SecurityHarness.KeyBytes(1));
        using var security = new MemorySecurity(inner, inner, keys, new FailingAuditLog(), new MemorySecurityOptions { EnableAccessControl = false });
        var store = new SecuredMemoryStore(security);

        var act = async () => await store.StoreAsync("k", "v");

        await act.Should().ThrowAsync<MemoryStorageException>().WithMessage("*disk full*");
        (await inner.ExistsAsync("k")).Should().BeFalse();
    }

    private sealed class FailingAuditLog : IMemoryAuditLog
    {
        public ValueTask<MemoryAuditEntry> AppendAsync(MemoryAuditRecord record, CancellationToken cancellationToken = default) =>
            ValueTask.FromException<MemoryAuditEntry>(new MemoryStorageException("disk full"));

        public ValueTask<IReadOnlyList<MemoryAuditEntry>> QueryAsync(MemoryAuditQuery query, CancellationToken cancellationToken = default) => new([]);

        public ValueTask<MemoryAuditVerification> VerifyAsync(CancellationToken cancellationToken = default) => new(new MemoryAuditVerification(true, 0, null, null));
    }
}
