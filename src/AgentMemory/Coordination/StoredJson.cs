using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace AgentMemory.Coordination;

/// <summary>
/// Reads and writes the library's own bookkeeping records (leases, agent records, workflow heads) as UTF-8 JSON
/// through the raw-bytes path of <see cref="IMemoryStore"/>, so they do not depend on the user's serializer.
/// </summary>
internal static class StoredJson
{
    public static async ValueTask<T?> ReadAsync<T>(IMemoryStore store, string key, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : class
    {
        var raw = await store.RetrieveRawAsync(key, cancellationToken).ConfigureAwait(false);
        if (raw is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(raw.Value.Span, typeInfo);
        }
        catch (JsonException ex)
        {
            throw new MemorySerializationException($"The bookkeeping record under '{key}' is not a valid {typeof(T).Name}: {ex.Message}", ex);
        }
    }

    public static ValueTask WriteAsync<T>(IMemoryStore store, string key, T value, JsonTypeInfo<T> typeInfo, MemoryEntryOptions? options, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
        return store.StoreRawAsync(key, bytes, options, cancellationToken);
    }
}
