using AgentMemory.Security;
using AgentMemory.Storage;
using BenchmarkDotNet.Attributes;

namespace AgentMemory.Benchmarks.Security;

/// <summary>
/// What does transparent encryption cost? Store and retrieve of 100-byte and 10-KB values (1,000 keys, one thread)
/// through a plain <see cref="InMemoryStore"/> (the baseline), through a <see cref="SecuredMemoryStore"/> that
/// encrypts every value with AES-256-GCM (no access control, audit discarded), and through the full secured path:
/// access-control check, encryption, and every decision hashed into an HMAC-headed audit chain (the chain's work
/// is done in full; only the retention of millions of entries is left out, see <see cref="ChainOnlyAuditLog"/>).
/// </summary>
[MemoryDiagnoser]
public class EncryptionOverheadBenchmarks
{
    private const int Keys = 1000;
    private readonly string[] _keys = [.. Enumerable.Range(0, Keys).Select(i => $"user:{i}:profile")];
    private byte[] _value = null!;
    private InMemoryStore _plain = null!;
    private InMemoryStore _encryptedInner = null!;
    private InMemoryStore _securedInner = null!;
    private InProcessKeyProvider _keyProvider = null!;
    private SecuredMemoryStore _encrypted = null!;
    private SecuredMemoryStore _secured = null!;
    private int _cursor;

    /// <summary>The value size in bytes.</summary>
    [Params(100, 10 * 1024)]
    public int ValueBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _value = new byte[ValueBytes];
        new Random(42).NextBytes(_value);
        _keyProvider = new InProcessKeyProvider();
        _keyProvider.AddKey("bench", System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        _plain = new InMemoryStore();
        _encryptedInner = new InMemoryStore();
        _securedInner = new InMemoryStore();
        var encryptOnly = new MemorySecurityOptions { EnableAccessControl = false, AuditReads = false };
        encryptOnly.EncryptedKeyPatterns.Add("*");
        _encrypted = new SecuredMemoryStore(new MemorySecurity(_encryptedInner, _encryptedInner, _keyProvider, new DiscardingAuditLog(), encryptOnly));
        var full = new MemorySecurityOptions();
        full.EncryptedKeyPatterns.Add("user:*");
        var security = new MemorySecurity(_securedInner, _securedInner, _keyProvider, new ChainOnlyAuditLog(), full);
        security.GrantAccessAsync("bench-agent", "user:*", MemoryAction.Read | MemoryAction.Write).AsTask().GetAwaiter().GetResult();
        _secured = new SecuredMemoryStore(security, new MemoryPrincipal("bench-agent"));
        foreach (var key in _keys)
        {
            _plain.StoreRawAsync(key, _value).AsTask().GetAwaiter().GetResult();
            _encrypted.StoreRawAsync(key, _value).AsTask().GetAwaiter().GetResult();
            _secured.StoreRawAsync(key, _value).AsTask().GetAwaiter().GetResult();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _plain.Dispose();
        _encryptedInner.Dispose();
        _securedInner.Dispose();
        _keyProvider.Dispose();
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Store")]
    public ValueTask PlainStore() => _plain.StoreRawAsync(NextKey(), _value);

    [Benchmark]
    [BenchmarkCategory("Store")]
    public ValueTask EncryptedStore() => _encrypted.StoreRawAsync(NextKey(), _value);

    [Benchmark]
    [BenchmarkCategory("Store")]
    public ValueTask SecuredStore() => _secured.StoreRawAsync(NextKey(), _value);

    [Benchmark]
    [BenchmarkCategory("Retrieve")]
    public int PlainRetrieve() => _plain.RetrieveRawAsync(NextKey()).Result!.Value.Length;

    [Benchmark]
    [BenchmarkCategory("Retrieve")]
    public int EncryptedRetrieve() => _encrypted.RetrieveRawAsync(NextKey()).Result!.Value.Length;

    [Benchmark]
    [BenchmarkCategory("Retrieve")]
    public int SecuredRetrieve() => _secured.RetrieveRawAsync(NextKey()).Result!.Value.Length;

    private string NextKey()
    {
        var key = _keys[_cursor];
        _cursor = _cursor + 1 == Keys ? 0 : _cursor + 1;
        return key;
    }
}
