// AgentMemory security sample: two agents share an encrypted memory, a third is refused, the audit log is
// verified, and the threat rules spot an agent probing for data it may not read.
using System.Security.Cryptography;
using AgentMemory;
using AgentMemory.Security;
using AgentMemory.Storage;
using Microsoft.Extensions.DependencyInjection;

// Keys come from the host (configuration, a secret store); random ones stand in for them here.
using var keys = new InProcessKeyProvider();
keys.AddKey("data-2026-01", RandomNumberGenerator.GetBytes(32));
var auditPath = Path.Combine(Path.GetTempPath(), $"agentmemory-audit-{Guid.NewGuid():N}.db");
using var audit = new SqliteAuditLog(auditPath, RandomNumberGenerator.GetBytes(32)); // a separate audit key

var services = new ServiceCollection();
services.AddAgentMemory()
        .AddMemorySecurity(o =>
        {
            o.MemoryName = "support-desk";
            o.EncryptedKeyPatterns.Add("shared:*");          // everything agents share is encrypted at rest
            o.EncryptedKeyPatterns.Add("user:*:pii");
            o.ThreatDetection.DeniedBurstThreshold = 5;
        }, keys, audit);
await using var provider = services.BuildServiceProvider();

var memory = provider.GetRequiredService<IMemoryStore>();           // the secured store
var security = provider.GetRequiredService<IMemorySecurity>();
var shared = provider.GetRequiredService<SharedMemoryRegistry>();

// 1. A shared memory for two agents.
var caseFile = await shared.CreateAsync("case-1234", ["triage-agent", "billing-agent"]);

using (MemorySecurityContext.BeginScope(MemoryPrincipal.Agent("triage-agent")))
{
    await memory.StoreAsync(caseFile.Key("summary"), "Customer double-charged in March; refund pending.");
}

using (MemorySecurityContext.BeginScope(MemoryPrincipal.Agent("billing-agent")))
{
    Console.WriteLine($"billing reads: {await memory.RetrieveAsync<string>(caseFile.Key("summary"))}");
}

// 2. What lies in the store underneath is an AES-GCM envelope, not the text.
var inner = provider.GetRequiredService<InMemoryStore>();
var envelope = await inner.RetrieveAsync<byte[]>(caseFile.Key("summary"));
Console.WriteLine($"at rest:       {envelope!.Length} bytes of envelope under key '{EnvelopeCipherInfo.KeyIdOf(envelope)}'");

// 3. An agent outside the memory is refused, and keeps trying.
using (MemorySecurityContext.BeginScope(MemoryPrincipal.Agent("marketing-agent")))
{
    for (var i = 0; i < 6; i++)
    {
        try
        {
            await memory.RetrieveAsync<string>(caseFile.Key("summary"));
        }
        catch (MemoryAccessDeniedException ex) when (i == 0)
        {
            Console.WriteLine($"refused:       {ex.Message}");
        }
        catch (MemoryAccessDeniedException)
        {
        }
    }
}

// 4. Rotate the key, move the data to it, retire the old one.
keys.RotateKey();
var moved = await security.ReEncryptAsync("shared:*");
keys.RetireKey("data-2026-01");
Console.WriteLine($"rotation:      {moved} value(s) re-encrypted; active key is now {keys.ActiveKeyId}");

// 5. The audit log is a verifiable hash chain, and the threat rules read it.
var verification = await security.VerifyAuditLogAsync();
Console.WriteLine($"audit:         {verification.EntriesChecked} entries, intact: {verification.IsValid}");
foreach (var threat in await security.DetectThreatsAsync(TimeSpan.FromHours(1)))
{
    Console.WriteLine($"threat:        [{threat.Severity}] {threat.Kind}: {threat.Description}");
}

audit.Dispose();
Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
File.Delete(auditPath);

/// <summary>Reads the key id from an envelope header (format version 1: version, id length, id).</summary>
internal static class EnvelopeCipherInfo
{
    public static string KeyIdOf(byte[] envelope) => System.Text.Encoding.ASCII.GetString(envelope, 2, envelope[1]);
}
