using AgentMemory.Storage;

namespace AgentMemory.Security;

/// <content>The <see cref="IMemoryStore"/> members.</content>
public sealed partial class SecuredMemoryStore
{
    private const string ReservedPattern = MemorySecurityOptions.ReservedKeyPrefix + "*";

    /// <inheritdoc />
    /// <exception cref="MemoryAccessDeniedException">The caller may not write the key.</exception>
    public async ValueTask StoreAsync<T>(string key, T value, MemoryEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForWrite(key);
        await AuthorizeAsync(key, MemoryAction.Write, "Store", cancellationToken).ConfigureAwait(false);
        if (_security.IsEncrypted(key))
        {
            await _inner.StoreAsync(key, SealValue(key, null, value), options, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _inner.StoreAsync(key, value, options, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    /// <exception cref="MemoryAccessDeniedException">The caller may not write the key.</exception>
    public async ValueTask StoreRawAsync(string key, ReadOnlyMemory<byte> value, MemoryEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForWrite(key);
        await AuthorizeAsync(key, MemoryAction.Write, "StoreRaw", cancellationToken).ConfigureAwait(false);
        if (_security.IsEncrypted(key))
        {
            await _inner.StoreAsync(key, Seal(key, null, value.Span), options, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _inner.StoreRawAsync(key, value, options, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    /// <exception cref="MemoryAccessDeniedException">The caller may not read the key.</exception>
    /// <exception cref="MemorySecurityException">The stored envelope was tampered with or its key is retired.</exception>
    public async ValueTask<T?> RetrieveAsync<T>(string key, CancellationToken cancellationToken = default)
    {
        var lookup = await TryRetrieveCoreAsync<T>(key, "Retrieve", cancellationToken).ConfigureAwait(false);
        return lookup.Value;
    }

    /// <inheritdoc />
    /// <exception cref="MemoryAccessDeniedException">The caller may not read the key.</exception>
    /// <exception cref="MemorySecurityException">The stored envelope was tampered with or its key is retired.</exception>
    public ValueTask<MemoryLookup<T>> TryRetrieveAsync<T>(string key, CancellationToken cancellationToken = default) =>
        TryRetrieveCoreAsync<T>(key, "TryRetrieve", cancellationToken);

    /// <inheritdoc />
    /// <remarks>For an encrypted key this returns the decrypted serialized bytes, in a fresh array.</remarks>
    /// <exception cref="MemoryAccessDeniedException">The caller may not read the key.</exception>
    /// <exception cref="MemorySecurityException">The stored envelope was tampered with or its key is retired.</exception>
    public async ValueTask<ReadOnlyMemory<byte>?> RetrieveRawAsync(string key, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForRead(key);
        var principal = await AuthorizeAsync(key, MemoryAction.Read, "RetrieveRaw", cancellationToken).ConfigureAwait(false);
        if (!_security.IsEncrypted(key))
        {
            return await _inner.RetrieveRawAsync(key, cancellationToken).ConfigureAwait(false);
        }

        var lookup = await _inner.TryRetrieveAsync<byte[]>(key, cancellationToken).ConfigureAwait(false);
        if (!lookup.Found || lookup.Value is null)
        {
            return null;
        }

        return await _security.OpenAsync(principal, key, null, lookup.Value, "RetrieveRaw", cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="MemoryAccessDeniedException">The caller may not delete the key.</exception>
    public async ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForRead(key);
        await AuthorizeAsync(key, MemoryAction.Delete, "Delete", cancellationToken).ConfigureAwait(false);
        return await _inner.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="MemoryAccessDeniedException">The caller may not read the key.</exception>
    public async ValueTask<bool> ExistsAsync(string key, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForRead(key);
        await AuthorizeAsync(key, MemoryAction.Read, "Exists", cancellationToken).ConfigureAwait(false);
        return await _inner.ExistsAsync(key, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="MemoryAccessDeniedException">The caller may not read the key.</exception>
    public async ValueTask<IReadOnlyDictionary<string, MetadataValue>?> GetMetadataAsync(string key, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForRead(key);
        await AuthorizeAsync(key, MemoryAction.Read, "GetMetadata", cancellationToken).ConfigureAwait(false);
        return await _inner.GetMetadataAsync(key, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="MemoryAccessDeniedException">The caller may not write the key.</exception>
    public async ValueTask<bool> UpdateMetadataAsync(string key, IReadOnlyDictionary<string, MetadataValue> metadata, MetadataUpdateMode mode = MetadataUpdateMode.Merge, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForRead(key);
        ArgumentNullException.ThrowIfNull(metadata);
        await AuthorizeAsync(key, MemoryAction.Write, "UpdateMetadata", cancellationToken).ConfigureAwait(false);
        return await _inner.UpdateMetadataAsync(key, metadata, mode, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>For an encrypted key the size is the envelope's, which is larger than the plaintext by the envelope overhead.</remarks>
    /// <exception cref="MemoryAccessDeniedException">The caller may not read the key.</exception>
    public async ValueTask<MemoryEntryInfo?> GetEntryInfoAsync(string key, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForRead(key);
        await AuthorizeAsync(key, MemoryAction.Read, "GetEntryInfo", cancellationToken).ConfigureAwait(false);
        return await _inner.GetEntryInfoAsync(key, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Only keys the caller may read are returned; the call is audited once, with the pattern as resource.</remarks>
    public async ValueTask<IReadOnlyList<string>> ListKeysAsync(string? pattern = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        CheckPattern(pattern);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var visible = await GetListFilterAsync(pattern, "ListKeys", cancellationToken).ConfigureAwait(false);
        var result = new List<string>();
        string? token = null;
        do
        {
            var page = await _inner.ListKeysPageAsync(pattern, token, limit, cancellationToken).ConfigureAwait(false);
            foreach (var key in page.Keys)
            {
                if (visible(key))
                {
                    result.Add(key);
                    if (result.Count == limit)
                    {
                        return result;
                    }
                }
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
        return result;
    }

    /// <inheritdoc />
    /// <remarks>Only keys the caller may read are returned, so a page can hold fewer than <paramref name="pageSize"/> keys before the end.</remarks>
    public async ValueTask<MemoryKeyPage> ListKeysPageAsync(string? pattern = null, string? continuationToken = null, int pageSize = 100, CancellationToken cancellationToken = default)
    {
        CheckPattern(pattern);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var visible = await GetListFilterAsync(pattern, "ListKeysPage", cancellationToken).ConfigureAwait(false);
        var token = continuationToken;
        while (true)
        {
            var page = await _inner.ListKeysPageAsync(pattern, token, pageSize, cancellationToken).ConfigureAwait(false);
            var keys = page.Keys.Where(visible).ToList();
            if (keys.Count > 0 || page.ContinuationToken is null)
            {
                return new MemoryKeyPage(keys, page.ContinuationToken);
            }

            token = page.ContinuationToken;
        }
    }

    /// <inheritdoc />
    /// <remarks>Needs Delete on the resource <c>*</c>. Deletes every key but the security layer's own state, key by key.</remarks>
    /// <exception cref="MemoryAccessDeniedException">The caller may not delete everything.</exception>
    public async ValueTask<long> ClearAsync(CancellationToken cancellationToken = default)
    {
        await AuthorizeAsync("*", MemoryAction.Delete, "Clear", cancellationToken).ConfigureAwait(false);
        var keys = new List<string>();
        await foreach (var key in _inner.EnumerateKeysAsync(null, 1000, cancellationToken).ConfigureAwait(false))
        {
            if (!MemorySecurity.IsReserved(key))
            {
                keys.Add(key);
            }
        }

        long removed = 0;
        foreach (var key in keys)
        {
            if (await _inner.DeleteAsync(key, cancellationToken).ConfigureAwait(false))
            {
                removed++;
            }
        }

        return removed;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Needs Read on the resource <c>*</c>. Entry and byte counts leave out the security layer's own entries (the
    /// access-control list), so they describe what callers of the secured store can see; encrypted entries count
    /// their envelope size.
    /// </remarks>
    /// <exception cref="MemoryAccessDeniedException">The caller may not read everything.</exception>
    public async ValueTask<MemoryStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default)
    {
        await AuthorizeAsync("*", MemoryAction.Read, "GetStatistics", cancellationToken).ConfigureAwait(false);
        var stats = await _inner.GetStatisticsAsync(cancellationToken).ConfigureAwait(false);
        long entries = 0, bytes = 0;
        foreach (var key in await _inner.ListKeysAsync(ReservedPattern, 1000, cancellationToken).ConfigureAwait(false))
        {
            if (await _inner.GetEntryInfoAsync(key, cancellationToken).ConfigureAwait(false) is { } info)
            {
                entries++;
                bytes += info.SizeBytes;
            }
        }

        return stats with { EntryCount = stats.EntryCount - entries, BytesUsed = stats.BytesUsed - bytes };
    }

    private async ValueTask<MemoryLookup<T>> TryRetrieveCoreAsync<T>(string key, string operation, CancellationToken cancellationToken)
    {
        KeyRules.ValidateForRead(key);
        var principal = await AuthorizeAsync(key, MemoryAction.Read, operation, cancellationToken).ConfigureAwait(false);
        if (!_security.IsEncrypted(key))
        {
            return await _inner.TryRetrieveAsync<T>(key, cancellationToken).ConfigureAwait(false);
        }

        var lookup = await _inner.TryRetrieveAsync<byte[]>(key, cancellationToken).ConfigureAwait(false);
        if (!lookup.Found || lookup.Value is null)
        {
            return MemoryLookup<T>.NotFound;
        }

        return new MemoryLookup<T>(await OpenAsync<T>(principal, key, null, lookup.Value, operation, cancellationToken).ConfigureAwait(false));
    }

    private async ValueTask<Func<string, bool>> GetListFilterAsync(string? pattern, string operation, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var principal = Caller;
        if (_settings.AuditReads)
        {
            await _security.AuditAsync(principal?.Id, pattern ?? "*", MemoryAction.Read, MemoryAuditResult.Allowed, operation, "filtered by the access-control list", cancellationToken).ConfigureAwait(false);
        }

        if (!_settings.EnableAccessControl)
        {
            return static key => !MemorySecurity.IsReserved(key);
        }

        var readable = await _security.Acl.GetReadFilterAsync(principal, cancellationToken).ConfigureAwait(false);
        return key => !MemorySecurity.IsReserved(key) && readable(key);
    }
}
