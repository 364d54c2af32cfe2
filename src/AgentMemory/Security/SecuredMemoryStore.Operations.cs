using AgentMemory.Storage;

namespace AgentMemory.Security;

/// <content>The <see cref="IMemoryOperations"/> members.</content>
public sealed partial class SecuredMemoryStore
{
    /// <inheritdoc />
    /// <remarks>Each item is checked on its own: a denied item fails with <see cref="MemoryAccessDeniedException"/> as its outcome's error, the rest run.</remarks>
    /// <exception cref="ArgumentException">The batch holds more than <see cref="MemorySecurityOptions.MaxBatchSize"/> operations.</exception>
    public async ValueTask<MemoryBatchResult> ExecuteBatchAsync(IEnumerable<MemoryBatchOperation> operations, CancellationToken cancellationToken = default)
    {
        var items = Materialize(operations, nameof(operations));
        cancellationToken.ThrowIfCancellationRequested();
        var outcomes = new MemoryBatchOutcome[items.Count];
        var forwarded = new List<MemoryBatchOperation>(items.Count);
        var forwardedIndex = new List<int>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var op = items[i];
            var action = op.Kind == MemoryBatchOperationKind.Store ? MemoryAction.Write : MemoryAction.Delete;
            try
            {
                await AuthorizeAsync(op.Key, action, op.Kind == MemoryBatchOperationKind.Store ? "BatchStore" : "BatchDelete", cancellationToken).ConfigureAwait(false);
                var inner = op;
                if (op.Kind == MemoryBatchOperationKind.Store && _security.IsEncrypted(op.Key))
                {
                    KeyRules.ValidateForWrite(op.Key);
                    inner = MemoryBatchOperation.Store(op.Key, Seal(op.Key, null, _security.Serializer.Serialize(op.Value, op.ValueType!)), op.Options);
                }

                forwarded.Add(inner);
                forwardedIndex.Add(i);
            }
            catch (Exception ex) when (ex is MemoryException or ArgumentException)
            {
                outcomes[i] = new MemoryBatchOutcome(i, op.Key, op.Kind, MemoryBatchStatus.Failed, ex);
            }
        }

        if (forwarded.Count > 0)
        {
            var result = await _innerOperations.ExecuteBatchAsync(forwarded, cancellationToken).ConfigureAwait(false);
            foreach (var outcome in result.Outcomes)
            {
                var index = forwardedIndex[outcome.Index];
                outcomes[index] = outcome with { Index = index };
            }
        }

        return new MemoryBatchResult(outcomes);
    }

    /// <inheritdoc />
    /// <remarks>Every key is checked first; if any is denied, each denial is audited and the call throws without reading anything.</remarks>
    /// <exception cref="MemoryAccessDeniedException">The caller may not read one of the keys.</exception>
    /// <exception cref="MemorySecurityException">A stored envelope was tampered with or its key is retired.</exception>
    /// <exception cref="ArgumentException">More than <see cref="MemorySecurityOptions.MaxBatchSize"/> keys.</exception>
    public async ValueTask<IReadOnlyDictionary<string, T>> RetrieveManyAsync<T>(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        var list = await AuthorizeAllAsync(keys, MemoryAction.Read, "RetrieveMany", cancellationToken).ConfigureAwait(false);
        var principal = Caller;
        var plain = list.Where(k => !_security.IsEncrypted(k)).ToList();
        var encrypted = list.Where(_security.IsEncrypted).ToList();
        var result = new Dictionary<string, T>(StringComparer.Ordinal);
        if (plain.Count > 0)
        {
            foreach (var (key, value) in await _innerOperations.RetrieveManyAsync<T>(plain, cancellationToken).ConfigureAwait(false))
            {
                result[key] = value;
            }
        }

        if (encrypted.Count > 0)
        {
            foreach (var (key, envelope) in await _innerOperations.RetrieveManyAsync<byte[]>(encrypted, cancellationToken).ConfigureAwait(false))
            {
                result[key] = (await OpenAsync<T>(principal, key, null, envelope, "RetrieveMany", cancellationToken).ConfigureAwait(false))!;
            }
        }

        return result;
    }

    /// <inheritdoc />
    /// <remarks>Every key is checked first; if any is denied, each denial is audited and the call throws without deleting anything.</remarks>
    /// <exception cref="MemoryAccessDeniedException">The caller may not delete one of the keys.</exception>
    /// <exception cref="ArgumentException">More than <see cref="MemorySecurityOptions.MaxBatchSize"/> keys.</exception>
    public async ValueTask<long> DeleteManyAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        var list = await AuthorizeAllAsync(keys, MemoryAction.Delete, "DeleteMany", cancellationToken).ConfigureAwait(false);
        return await _innerOperations.DeleteManyAsync(list, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="MemoryAccessDeniedException">The caller may not read and write the key.</exception>
    /// <exception cref="MemorySecurityException">An encryption policy covers the key.</exception>
    public async ValueTask<long> IncrementAsync(string key, long amount = 1, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForWrite(key);
        ThrowIfEncryptedCounter(key);
        await AuthorizeAsync(key, MemoryAction.Read | MemoryAction.Write, "Increment", cancellationToken).ConfigureAwait(false);
        return await _innerOperations.IncrementAsync(key, amount, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="MemoryAccessDeniedException">The caller may not read and write the key.</exception>
    /// <exception cref="MemorySecurityException">An encryption policy covers the key.</exception>
    public async ValueTask<long> DecrementAsync(string key, long amount = 1, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForWrite(key);
        ThrowIfEncryptedCounter(key);
        await AuthorizeAsync(key, MemoryAction.Read | MemoryAction.Write, "Decrement", cancellationToken).ConfigureAwait(false);
        return await _innerOperations.DecrementAsync(key, amount, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// For an encrypted key the plaintexts are compared (ciphertexts differ by nonce), and the swap is the inner
    /// store's atomic compare-and-swap on the envelope that was read, retried if another writer got in between.
    /// </remarks>
    /// <exception cref="MemoryAccessDeniedException">The caller may not read and write the key.</exception>
    /// <exception cref="MemorySecurityException">The stored envelope was tampered with or its key is retired.</exception>
    public async ValueTask<bool> CompareAndSwapAsync<T>(string key, T expected, T newValue, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForWrite(key);
        var principal = await AuthorizeAsync(key, MemoryAction.Read | MemoryAction.Write, "CompareAndSwap", cancellationToken).ConfigureAwait(false);
        if (!_security.IsEncrypted(key))
        {
            return await _innerOperations.CompareAndSwapAsync(key, expected, newValue, cancellationToken).ConfigureAwait(false);
        }

        var expectedBytes = _security.Serializer.Serialize(expected);
        var replacement = SealValue(key, null, newValue);
        while (true)
        {
            var lookup = await _inner.TryRetrieveAsync<byte[]>(key, cancellationToken).ConfigureAwait(false);
            if (!lookup.Found || lookup.Value is not { } current)
            {
                return false;
            }

            var plaintext = await _security.OpenAsync(principal, key, null, current, "CompareAndSwap", cancellationToken).ConfigureAwait(false);
            if (!plaintext.AsSpan().SequenceEqual(expectedBytes))
            {
                return false;
            }

            if (await _innerOperations.CompareAndSwapAsync(key, current, replacement, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }
        }
    }

    /// <inheritdoc />
    /// <exception cref="MemoryAccessDeniedException">The caller may not read the key.</exception>
    /// <exception cref="MemorySecurityException">A stored envelope was tampered with or its key is retired.</exception>
    public async ValueTask<IReadOnlyDictionary<string, T>> GetHashAsync<T>(string key, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForRead(key);
        var principal = await AuthorizeAsync(key, MemoryAction.Read, "GetHash", cancellationToken).ConfigureAwait(false);
        if (!_security.IsEncrypted(key))
        {
            return await _innerOperations.GetHashAsync<T>(key, cancellationToken).ConfigureAwait(false);
        }

        var result = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var (field, envelope) in await _innerOperations.GetHashAsync<byte[]>(key, cancellationToken).ConfigureAwait(false))
        {
            result[field] = (await OpenAsync<T>(principal, key, EnvelopeCipher.HashFieldPart(field), envelope, "GetHash", cancellationToken).ConfigureAwait(false))!;
        }

        return result;
    }

    /// <inheritdoc />
    /// <exception cref="MemoryAccessDeniedException">The caller may not write the key.</exception>
    public async ValueTask SetHashAsync<T>(string key, IReadOnlyDictionary<string, T> fields, MemoryEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForWrite(key);
        ArgumentNullException.ThrowIfNull(fields);
        await AuthorizeAsync(key, MemoryAction.Write, "SetHash", cancellationToken).ConfigureAwait(false);
        if (!_security.IsEncrypted(key))
        {
            await _innerOperations.SetHashAsync(key, fields, options, cancellationToken).ConfigureAwait(false);
            return;
        }

        var sealedFields = new Dictionary<string, byte[]>(fields.Count, StringComparer.Ordinal);
        foreach (var (field, value) in fields)
        {
            ArgumentNullException.ThrowIfNull(field, nameof(fields));
            sealedFields[field] = SealValue(key, EnvelopeCipher.HashFieldPart(field), value);
        }

        await _innerOperations.SetHashAsync(key, sealedFields, options, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="MemoryAccessDeniedException">The caller may not read the key.</exception>
    /// <exception cref="MemorySecurityException">The stored envelope was tampered with or its key is retired.</exception>
    public async ValueTask<MemoryLookup<T>> GetHashFieldAsync<T>(string key, string field, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForRead(key);
        ArgumentNullException.ThrowIfNull(field);
        var principal = await AuthorizeAsync(key, MemoryAction.Read, "GetHashField", cancellationToken).ConfigureAwait(false);
        if (!_security.IsEncrypted(key))
        {
            return await _innerOperations.GetHashFieldAsync<T>(key, field, cancellationToken).ConfigureAwait(false);
        }

        var lookup = await _innerOperations.GetHashFieldAsync<byte[]>(key, field, cancellationToken).ConfigureAwait(false);
        return lookup.Found && lookup.Value is { } envelope
            ? new MemoryLookup<T>(await OpenAsync<T>(principal, key, EnvelopeCipher.HashFieldPart(field), envelope, "GetHashField", cancellationToken).ConfigureAwait(false))
            : MemoryLookup<T>.NotFound;
    }

    /// <inheritdoc />
    /// <exception cref="MemoryAccessDeniedException">The caller may not write the key.</exception>
    public async ValueTask<bool> SetHashFieldAsync<T>(string key, string field, T value, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForWrite(key);
        ArgumentNullException.ThrowIfNull(field);
        await AuthorizeAsync(key, MemoryAction.Write, "SetHashField", cancellationToken).ConfigureAwait(false);
        return _security.IsEncrypted(key)
            ? await _innerOperations.SetHashFieldAsync(key, field, SealValue(key, EnvelopeCipher.HashFieldPart(field), value), cancellationToken).ConfigureAwait(false)
            : await _innerOperations.SetHashFieldAsync(key, field, value, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="MemoryAccessDeniedException">The caller may not delete in the key.</exception>
    public async ValueTask<bool> DeleteHashFieldAsync(string key, string field, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForRead(key);
        ArgumentNullException.ThrowIfNull(field);
        await AuthorizeAsync(key, MemoryAction.Delete, "DeleteHashField", cancellationToken).ConfigureAwait(false);
        return await _innerOperations.DeleteHashFieldAsync(key, field, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="MemoryAccessDeniedException">The caller may not read the key.</exception>
    public async ValueTask<long> GetHashLengthAsync(string key, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForRead(key);
        await AuthorizeAsync(key, MemoryAction.Read, "GetHashLength", cancellationToken).ConfigureAwait(false);
        return await _innerOperations.GetHashLengthAsync(key, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="MemoryAccessDeniedException">The caller may not read the key.</exception>
    /// <exception cref="MemorySecurityException">A stored envelope was tampered with or its key is retired.</exception>
    public async ValueTask<IReadOnlyList<T>> GetListAsync<T>(string key, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForRead(key);
        var principal = await AuthorizeAsync(key, MemoryAction.Read, "GetList", cancellationToken).ConfigureAwait(false);
        return _security.IsEncrypted(key)
            ? await OpenListAsync<T>(principal, key, await _innerOperations.GetListAsync<byte[]>(key, cancellationToken).ConfigureAwait(false), "GetList", cancellationToken).ConfigureAwait(false)
            : await _innerOperations.GetListAsync<T>(key, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="MemoryAccessDeniedException">The caller may not read the key.</exception>
    /// <exception cref="MemorySecurityException">A stored envelope was tampered with or its key is retired.</exception>
    public async ValueTask<IReadOnlyList<T>> GetListRangeAsync<T>(string key, Range range, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForRead(key);
        var principal = await AuthorizeAsync(key, MemoryAction.Read, "GetListRange", cancellationToken).ConfigureAwait(false);
        return _security.IsEncrypted(key)
            ? await OpenListAsync<T>(principal, key, await _innerOperations.GetListRangeAsync<byte[]>(key, range, cancellationToken).ConfigureAwait(false), "GetListRange", cancellationToken).ConfigureAwait(false)
            : await _innerOperations.GetListRangeAsync<T>(key, range, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="MemoryAccessDeniedException">The caller may not write the key.</exception>
    public async ValueTask<long> AppendToListAsync<T>(string key, IEnumerable<T> values, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForWrite(key);
        ArgumentNullException.ThrowIfNull(values);
        await AuthorizeAsync(key, MemoryAction.Write, "AppendToList", cancellationToken).ConfigureAwait(false);
        if (!_security.IsEncrypted(key))
        {
            return await _innerOperations.AppendToListAsync(key, values, cancellationToken).ConfigureAwait(false);
        }

        var sealedItems = values.Select(v => SealValue(key, EnvelopeCipher.ListItemPart, v)).ToList();
        return await _innerOperations.AppendToListAsync(key, sealedItems, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="MemoryAccessDeniedException">The caller may not read the key.</exception>
    public async ValueTask<long> GetListLengthAsync(string key, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForRead(key);
        await AuthorizeAsync(key, MemoryAction.Read, "GetListLength", cancellationToken).ConfigureAwait(false);
        return await _innerOperations.GetListLengthAsync(key, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<IReadOnlyList<T>> OpenListAsync<T>(MemoryPrincipal? principal, string key, IReadOnlyList<byte[]> envelopes, string operation, CancellationToken cancellationToken)
    {
        var result = new List<T>(envelopes.Count);
        foreach (var envelope in envelopes)
        {
            result.Add(await OpenAsync<T>(principal, key, EnvelopeCipher.ListItemPart, envelope, operation, cancellationToken).ConfigureAwait(false));
        }

        return result;
    }

    private async ValueTask<List<string>> AuthorizeAllAsync(IEnumerable<string> keys, MemoryAction action, string operation, CancellationToken cancellationToken)
    {
        var list = Materialize(keys, nameof(keys)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var key in list)
        {
            KeyRules.ValidateForRead(key, nameof(keys));
        }

        MemoryAccessDeniedException? first = null;
        foreach (var key in list)
        {
            try
            {
                await AuthorizeAsync(key, action, operation, cancellationToken).ConfigureAwait(false);
            }
            catch (MemoryAccessDeniedException ex)
            {
                first ??= ex;
            }
        }

        return first is null ? list : throw first;
    }
}
