using AgentMemory.Conformance;
using AgentMemory.Security;
using AgentMemory.Storage;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.Conformance;

/// <summary>
/// A <see cref="SecuredMemoryStore"/> over an <see cref="InMemoryStore"/>, called as a principal allowed everything:
/// the decorator must keep every contract of the store it wraps.
/// </summary>
internal static class SecuredStoreSubject
{
    public static async ValueTask<ConformanceSubject> CreateAsync(bool accessControl, params string[] encryptedPatterns)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var inner = new InMemoryStore(timeProvider: time);
        var keys = new InProcessKeyProvider(timeProvider: time);
        keys.AddKey("k1", Security.SecurityHarness.KeyBytes(1));
        var audit = new InMemoryAuditLog(Security.SecurityHarness.KeyBytes(2));
        var options = new MemorySecurityOptions { EnableAccessControl = accessControl };
        foreach (var pattern in encryptedPatterns)
        {
            options.EncryptedKeyPatterns.Add(pattern);
        }

        var security = new MemorySecurity(inner, inner, keys, audit, options, time);
        if (accessControl)
        {
            await security.GrantAccessAsync("conformance", "*", MemoryAction.All);
        }

        var store = new SecuredMemoryStore(security, new MemoryPrincipal("conformance"));
        return new ConformanceSubject(
            store,
            store,
            advance =>
            {
                time.Advance(advance);
                return default;
            },
            () =>
            {
                inner.Dispose();
                keys.Dispose();
                audit.Dispose();
                return default;
            });
    }
}
