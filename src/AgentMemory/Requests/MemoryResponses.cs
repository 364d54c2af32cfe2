using AgentMemory.Storage;

namespace AgentMemory.Requests;

/// <summary>The default <see cref="IMemoryResponses"/>: responses cached in an <see cref="IMemoryStore"/>, with <see cref="ResponseCodec"/>. Thread-safe.</summary>
internal sealed class MemoryResponses : IMemoryResponses
{
    private readonly IMemoryStore _store;
    private readonly TimeProvider _time;
    private readonly ResponseCodec _codec;
    private readonly string _prefix;
    private readonly TimeSpan _defaultTtl;

    public MemoryResponses(IMemoryStore store, MemoryResponsesOptions options, TimeProvider time)
    {
        _store = store;
        _time = time;
        _codec = new ResponseCodec(options.MaxSerializedBytes);
        _prefix = options.CacheKeyPrefix;
        _defaultTtl = options.DefaultTtl;
    }

    public MemoryResponse Create(string requestId, ReadOnlyMemory<byte> data, IReadOnlyDictionary<string, MetadataValue>? metadata = null)
    {
        KeyRules.ValidateForWrite(requestId);
        return new MemoryResponse
        {
            RequestId = requestId,
            Data = data.ToArray(),
            Metadata = metadata is null ? ResponseCodec.NoMetadata : new Dictionary<string, MetadataValue>(metadata, StringComparer.Ordinal).AsReadOnly(),
            CreatedAt = _time.GetUtcNow(),
        };
    }

    public ValueTask CacheAsync(MemoryResponse response, TimeSpan? ttl = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (ttl is { } t && t <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ttl), t, "The cache TTL must be positive; pass null for the configured default.");
        }

        var bytes = _codec.Serialize(response);
        return _store.StoreRawAsync(_prefix + response.RequestId, bytes, new MemoryEntryOptions { Ttl = ttl ?? _defaultTtl }, cancellationToken);
    }

    public async ValueTask<MemoryResponse?> GetCachedAsync(string requestId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        var bytes = await _store.RetrieveRawAsync(_prefix + requestId, cancellationToken).ConfigureAwait(false);
        return bytes is { } b ? _codec.Deserialize(b) : null;
    }

    public byte[] Serialize(MemoryResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return _codec.Serialize(response);
    }

    public MemoryResponse Deserialize(ReadOnlyMemory<byte> data) => _codec.Deserialize(data);

    public byte[] Compress(MemoryResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return _codec.Compress(response);
    }

    public MemoryResponse Decompress(ReadOnlyMemory<byte> data) => _codec.Decompress(data);

    public MemoryResponseValidation Validate(MemoryResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var errors = new List<string>();
        try
        {
            KeyRules.ValidateForWrite(response.RequestId);
        }
        catch (ArgumentException ex)
        {
            errors.Add($"RequestId: {ex.Message}");
        }

        if (response.Metadata is null)
        {
            errors.Add("Metadata must not be null; use an empty dictionary.");
        }
        else if (response.Metadata.Keys.Any(string.IsNullOrEmpty))
        {
            errors.Add("Metadata has an empty name.");
        }

        if (errors.Count == 0)
        {
            try
            {
                _codec.Serialize(response);
            }
            catch (Exception ex) when (ex is MemorySerializationException or ArgumentException)
            {
                errors.Add(ex.Message);
            }
        }

        return new MemoryResponseValidation { Errors = errors };
    }
}
