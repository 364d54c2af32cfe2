using AgentMemory.Requests;
using AgentMemory.Storage;
using BenchmarkDotNet.Attributes;
using MessagePack;

namespace AgentMemory.Benchmarks.Requests;

/// <summary>
/// Response codec round trip (serialize, then deserialize) of a response with 1 KiB of data and two metadata
/// fields. The peer is raw MessagePack: <see cref="MessagePackSerializer"/> on a plain attributed DTO of the same
/// fields, with untrusted-data security, but no schema version, checksum or size checks. The LZ4 variant adds
/// compression of the serialized bytes.
/// </summary>
[MemoryDiagnoser]
public class ResponseCodecBenchmarks
{
    private static readonly MessagePackSerializerOptions RawOptions = MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData);
    private IMemoryResponses _responses = null!;
    private InMemoryStore _store = null!;
    private MemoryResponse _response = null!;
    private RawResponse _raw = null!;

    [GlobalSetup]
    public void Setup()
    {
        _store = new InMemoryStore();
        _responses = MemoryRequestsFactory.CreateResponses(_store);
        var data = new byte[1024];
        new Random(42).NextBytes(data.AsSpan(0, 512)); // half random, half zeros
        _response = _responses.Create("request-0001", data, new Dictionary<string, MetadataValue> { ["model"] = "small", ["tokens"] = 321L });
        _raw = new RawResponse { RequestId = _response.RequestId, Data = data, CreatedTicks = _response.CreatedAt.UtcTicks, Model = "small", Tokens = 321 };
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    [Benchmark(Baseline = true)]
    public int RawMessagePack() => MessagePackSerializer.Deserialize<RawResponse>(MessagePackSerializer.Serialize(_raw, RawOptions), RawOptions).Data.Length;

    [Benchmark]
    public int AgentMemoryCodec() => _responses.Deserialize(_responses.Serialize(_response)).Data.Length;

    [Benchmark]
    public int AgentMemoryCodecLz4() => _responses.Decompress(_responses.Compress(_response)).Data.Length;
}

/// <summary>The raw-MessagePack peer's DTO.</summary>
[MessagePackObject]
public sealed class RawResponse
{
    /// <summary>The request id.</summary>
    [Key(0)]
    public string RequestId { get; set; } = "";

    /// <summary>The data.</summary>
    [Key(1)]
    public byte[] Data { get; set; } = [];

    /// <summary>Creation time in ticks.</summary>
    [Key(2)]
    public long CreatedTicks { get; set; }

    /// <summary>Metadata field one.</summary>
    [Key(3)]
    public string Model { get; set; } = "";

    /// <summary>Metadata field two.</summary>
    [Key(4)]
    public long Tokens { get; set; }
}
