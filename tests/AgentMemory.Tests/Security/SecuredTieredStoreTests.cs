using System.Text;
using AgentMemory.Persistence;
using AgentMemory.Persistence.Archive;
using AgentMemory.Persistence.Backup;
using AgentMemory.Security;
using AgentMemory.Tiers;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.Security;

/// <summary>
/// Encryption policies over the tiered store: values under an encrypted pattern reach every tier below the secured
/// store (hot, SQLite long-term, archive) and backups only as envelopes, and read back decrypted after a restart.
/// </summary>
public sealed class SecuredTieredStoreTests : IDisposable
{
    private const string Secret = "the launch code is 1234";
    private static readonly byte[] SecretBytes = Encoding.UTF8.GetBytes(Secret);
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(SecurityHarness.Epoch);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task EncryptedValues_AreEnvelopesInEveryTierAndInBackups()
    {
        using (var keys = NewKeys())
        {
            var tiered = OpenTiered();
            await using (tiered)
            {
                using var audit = new InMemoryAuditLog(SecurityHarness.KeyBytes(99));
                using var security = new MemorySecurity(tiered, tiered, keys, audit, Options(), _time);
                await security.GrantAccessAsync("admin", "*", MemoryAction.All);
                var store = new SecuredMemoryStore(security, SecurityHarness.Admin);
                await store.StoreAsync("secret:1", Secret);
                await store.StoreAsync("secret:2", Secret, new MemoryEntryOptions { Tier = MemoryTier.LongTerm });
                await store.StoreAsync("public:1", Secret);

                Contains(tiered.Hot.Export("secret:1")!.Payload).Should().BeFalse("the hot tier holds the envelope");
                Contains(tiered.Hot.Export("public:1")!.Payload).Should().BeTrue("values outside the policy are stored as they are");

                // Demote everything, then archive it, then take a backup.
                _time.Advance(TimeSpan.FromDays(2));
                (await tiered.ConsolidateAsync()).Demoted.Should().Be(2, "secret:2 was written straight to the long-term tier");
                await tiered.FlushAsync();
                DatabaseContains().Should().BeTrue("public:1 is plain in the database");
                _time.Advance(TimeSpan.FromDays(8));
                (await tiered.ConsolidateAsync()).Archived.Should().Be(3);

                using var snapshot = ((ISnapshotStore)tiered).ExportAll();
                using var backup = new MemoryStream();
                BackupFormat.Write(backup, "secured", _time.GetUtcNow().UtcTicks, snapshot.Entries);
                backup.Position = 0;
                using var reader = BackupFormat.Open(backup);
                var entries = reader.ReadEntries().ToDictionary(e => e.Key);
                Contains(entries["secret:1"].Payload).Should().BeFalse();
                Contains(entries["secret:2"].Payload).Should().BeFalse();
                Contains(entries["public:1"].Payload).Should().BeTrue();
            }

            using (var archive = ArchiveStore.Open(new ArchiveOptions { Directory = _directory.File("archive") }, _time))
            {
                archive.TryGet("secret:1", _time.GetUtcNow().UtcTicks, out var archived).Should().BeTrue();
                Contains(archived!.Payload).Should().BeFalse("the archive holds the envelope");
            }

            // After a restart the same key reads it back, from the archive, through the secured store.
            await using var reopened = OpenTiered();
            using var audit2 = new InMemoryAuditLog(SecurityHarness.KeyBytes(99));
            using var security2 = new MemorySecurity(reopened, reopened, keys, audit2, Options(), _time);
            await security2.GrantAccessAsync("admin", "*", MemoryAction.All);
            var store2 = new SecuredMemoryStore(security2, SecurityHarness.Admin);
            (await store2.RetrieveAsync<string>("secret:1")).Should().Be(Secret);
            (await store2.RetrieveAsync<string>("secret:2")).Should().Be(Secret);
        }
    }

    private static bool Contains(byte[] payload) => payload.AsSpan().IndexOf(SecretBytes) >= 0;

    private static MemorySecurityOptions Options() => new() { MemoryName = "secured", EncryptedKeyPatterns = { "secret:*" } };

    private InProcessKeyProvider NewKeys()
    {
        var keys = new InProcessKeyProvider(InProcessKeyProvider.DefaultMaxEncryptionsPerKey, _time);
        keys.AddKey("k1", SecurityHarness.KeyBytes(1));
        return keys;
    }

    private TieredMemoryStore OpenTiered() => TieredMemoryStore.Open(
        new SqlitePersistenceOptions
        {
            Path = _directory.File("secured.db"),
            ArchiveDirectory = _directory.File("archive"),
            Consolidation = { Policies = { new ColdDemotionPolicy(TimeSpan.FromDays(1)), new ArchiveAgePolicy(TimeSpan.FromDays(7)) } },
        },
        timeProvider: _time);

    private bool DatabaseContains()
    {
        var bytes = File.ReadAllBytes(_directory.File("secured.db")).Concat(File.Exists(_directory.File("secured.db-wal")) ? File.ReadAllBytes(_directory.File("secured.db-wal")) : []).ToArray();
        return bytes.AsSpan().IndexOf(SecretBytes) >= 0;
    }
}
