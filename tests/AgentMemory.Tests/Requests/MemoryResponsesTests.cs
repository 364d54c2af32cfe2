using System.Buffers.Binary;
using AgentMemory.Requests;
using AgentMemory.Tests.Storage;
using CsCheck;

namespace AgentMemory.Tests.Requests;

/// <summary>Response creation, cache with TTL, codec round trips and validation of untrusted bytes.</summary>
public sealed class MemoryResponsesTests : IDisposable
{
    private readonly StoreHarness _h = new();
    private readonly IMemoryResponses _responses;

    public MemoryResponsesTests() =>
        _responses = MemoryRequestsFactory.CreateResponses(_h.Store, new MemoryResponsesOptions { MaxSerializedBytes = 4096 }, _h.Time);

    public void Dispose() => _h.Dispose();

    private MemoryResponse Sample(int size = 10) => _responses.Create("req-1", Enumerable.Range(0, size).Select(i => (byte)(i % 7)).ToArray(), new Dictionary<string, MetadataValue> { ["model"] = "m1", ["tokens"] = 42L });

    private static void ShouldMatch(MemoryResponse actual, MemoryResponse expected)
    {
        actual.RequestId.Should().Be(expected.RequestId);
        actual.Data.ToArray().Should().Equal(expected.Data.ToArray());
        actual.CreatedAt.Should().Be(expected.CreatedAt);
        actual.Metadata.Should().BeEquivalentTo(expected.Metadata);
    }

    [Fact]
    public void Create_StampsTheClockAndCopiesInputs()
    {
        var data = new byte[] { 1, 2 };
        var response = _responses.Create("r", data);
        data[0] = 9;
        response.Data.ToArray().Should().Equal(1, 2);
        response.CreatedAt.Should().Be(StoreHarness.Epoch);
        response.Metadata.Should().BeEmpty();
        FluentActions.Invoking(() => _responses.Create("", data)).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void SerializeAndCompress_RoundTrip()
    {
        var response = Sample(2000);
        ShouldMatch(_responses.Deserialize(_responses.Serialize(response)), response);
        var compressed = _responses.Compress(response);
        compressed.Length.Should().BeLessThan(_responses.Serialize(response).Length / 4, "repetitive data compresses");
        ShouldMatch(_responses.Decompress(compressed), response);
    }

    [Fact]
    public void Roundtrip_RandomResponses_Property()
    {
        Gen.Select(Gen.String[Gen.Char['a', 'z'], 1, 20], Gen.Byte.Array[0, 500], Gen.Dictionary(Gen.String[Gen.Char['a', 'e'], 1, 4], Gen.Long)[0, 4]).Sample((id, data, meta) =>
        {
            var response = _responses.Create(id, data, meta.ToDictionary(kv => kv.Key, kv => (MetadataValue)kv.Value));
            ShouldMatch(_responses.Deserialize(_responses.Serialize(response)), response);
            ShouldMatch(_responses.Decompress(_responses.Compress(response)), response);
        });
    }

    [Fact]
    public void Deserialize_AnyCorruption_FailsWithFormatException_Property()
    {
        var bytes = _responses.Serialize(Sample(50));
        Gen.Select(Gen.Int[0, bytes.Length - 1], Gen.Byte[1, 255]).Sample((index, flip) =>
        {
            var corrupt = (byte[])bytes.Clone();
            corrupt[index] ^= flip;
            FluentActions.Invoking(() => _responses.Deserialize(corrupt)).Should().Throw<MemoryResponseFormatException>();
        });
        Gen.Byte.Array[0, 100].Sample(garbage =>
            FluentActions.Invoking(() => _responses.Deserialize(garbage)).Should().Throw<MemoryResponseFormatException>());
        Gen.Byte.Array[0, 100].Sample(garbage =>
            FluentActions.Invoking(() => _responses.Decompress(garbage)).Should().Throw<MemoryResponseFormatException>());
    }

    [Fact]
    public void Deserialize_Checksum_Version_AndSize_FailWithClearMessages()
    {
        var bytes = _responses.Serialize(Sample());
        var corrupt = (byte[])bytes.Clone();
        corrupt[^10] ^= 0x01; // inside the data
        FluentActions.Invoking(() => _responses.Deserialize(corrupt)).Should().Throw<MemoryResponseFormatException>().WithMessage("*checksum*");

        var future = (byte[])bytes.Clone();
        future[1] = 2; // [array header, positive fixint version, ...]
        FluentActions.Invoking(() => _responses.Deserialize(future)).Should().Throw<MemoryResponseFormatException>().WithMessage("*schema version 2*supports version 1*");

        FluentActions.Invoking(() => _responses.Serialize(Sample(5000))).Should().Throw<MemoryResponseFormatException>().WithMessage("*over the limit of 4096*");
        FluentActions.Invoking(() => _responses.Deserialize(new byte[5000])).Should().Throw<MemoryResponseFormatException>().WithMessage("*over the limit*");

        var bomb = _responses.Compress(Sample());
        BinaryPrimitives.WriteInt32LittleEndian(bomb.AsSpan(1), int.MaxValue);
        FluentActions.Invoking(() => _responses.Decompress(bomb)).Should().Throw<MemoryResponseFormatException>().WithMessage("*claims*limit is 4096*");
    }

    [Fact]
    public async Task Cache_StoresInTheMemoryStoreWithTtl()
    {
        var response = Sample();
        await _responses.CacheAsync(response, TimeSpan.FromMinutes(5));

        (await _h.Store.ExistsAsync("response:req-1")).Should().BeTrue();
        ShouldMatch((await _responses.GetCachedAsync("req-1"))!, response);
        (await _responses.GetCachedAsync("other")).Should().BeNull();

        _h.Time.Advance(TimeSpan.FromMinutes(5));
        (await _responses.GetCachedAsync("req-1")).Should().BeNull();
        await FluentActions.Awaiting(() => _responses.CacheAsync(response, TimeSpan.Zero).AsTask()).Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    [Fact]
    public async Task GetCached_CorruptBytes_Throws()
    {
        await _h.Store.StoreRawAsync("response:bad", new byte[] { 0x91, 0x01 });
        await FluentActions.Awaiting(() => _responses.GetCachedAsync("bad").AsTask()).Should().ThrowAsync<MemoryResponseFormatException>();
    }

    [Fact]
    public void Validate_ReportsEveryProblem()
    {
        _responses.Validate(Sample()).IsValid.Should().BeTrue();
        var bad = Sample(5000) with { RequestId = "" };
        var result = _responses.Validate(bad);
        result.IsValid.Should().BeFalse();
        result.Errors.Should().ContainSingle(e => e.StartsWith("RequestId", StringComparison.Ordinal));
        _responses.Validate(Sample(5000)).Errors.Should().ContainSingle(e => e.Contains("over the limit", StringComparison.Ordinal));
    }
}
