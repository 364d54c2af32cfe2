using AgentMemory.Security;
using AgentMemory.Storage;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.Security;

/// <summary>An in-memory store secured with fixed keys, an in-memory audit log and a fake clock.</summary>
internal sealed class SecurityHarness : IDisposable
{
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public SecurityHarness(Action<MemorySecurityOptions>? configure = null, InMemoryStore? store = null, long maxEncryptionsPerKey = InProcessKeyProvider.DefaultMaxEncryptionsPerKey)
    {
        Time = new FakeTimeProvider(Epoch);
        Inner = store ?? new InMemoryStore(timeProvider: Time);
        Keys = new InProcessKeyProvider(maxEncryptionsPerKey, Time);
        Keys.AddKey("k1", KeyBytes(1));
        Audit = new InMemoryAuditLog(KeyBytes(99));
        Options = new MemorySecurityOptions();
        configure?.Invoke(Options);
        Security = new MemorySecurity(Inner, Inner, Keys, Audit, Options, Time);
        Store = new SecuredMemoryStore(Security);
    }

    public FakeTimeProvider Time { get; }

    public InMemoryStore Inner { get; }

    public InProcessKeyProvider Keys { get; }

    public InMemoryAuditLog Audit { get; }

    public MemorySecurityOptions Options { get; }

    public MemorySecurity Security { get; }

    public SecuredMemoryStore Store { get; }

    public static MemoryPrincipal Admin { get; } = new("admin");

    public static byte[] KeyBytes(byte seed) => [.. Enumerable.Range(0, 32).Select(i => (byte)(seed * 31 + i))];

    public SecuredMemoryStore As(string id, params string[] roles) => Store.ForPrincipal(new MemoryPrincipal(id, roles));

    public async Task<SecuredMemoryStore> AdminAsync()
    {
        await Security.GrantAccessAsync("admin", "*", MemoryAction.All);
        return Store.ForPrincipal(Admin);
    }

    public async Task<IReadOnlyList<MemoryAuditEntry>> AuditEntriesAsync(string? principal = null) =>
        await Security.GetAuditLogAsync(new MemoryAuditQuery { PrincipalId = principal });

    public void Dispose()
    {
        Security.Dispose();
        Inner.Dispose();
        Keys.Dispose();
        Audit.Dispose();
    }
}
