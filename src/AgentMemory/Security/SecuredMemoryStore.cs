using AgentMemory.Storage;

namespace AgentMemory.Security;

/// <summary>
/// A decorator over any <see cref="IMemoryStore"/> / <see cref="IMemoryOperations"/> that enforces the
/// access-control list of a <see cref="MemorySecurity"/> on every call, audits every decision, and encrypts values
/// under keys an encryption policy covers before they reach the inner store (so every tier below it holds only
/// ciphertext), decrypting them on read.
/// </summary>
/// <remarks>
/// <para>
/// The caller is the principal given to <see cref="ForPrincipal"/>, or else the ambient
/// <see cref="MemorySecurityContext.Current"/>. With access control enabled, a call without a principal, or one
/// the list does not allow, throws <see cref="MemoryAccessDeniedException"/> and changes nothing. Keys under
/// <see cref="MemorySecurityOptions.ReservedKeyPrefix"/> are refused to everyone and never listed.
/// </para>
/// <para>
/// Which action each call needs: reads, existence, metadata and entry information need
/// <see cref="MemoryAction.Read"/>; stores, metadata updates, hash and list writes need
/// <see cref="MemoryAction.Write"/>; counters and compare-and-swap need Read and Write; deletes need
/// <see cref="MemoryAction.Delete"/>; <see cref="ClearAsync"/> needs Delete on the resource <c>*</c>, and
/// <see cref="GetStatisticsAsync"/> Read on <c>*</c>. Listing returns only keys the caller may read. A batch is
/// checked item by item: a denied store or delete fails alone; a denied key in a multi-key read or delete fails
/// the whole call before anything is done.
/// </para>
/// <para>
/// Encrypted values are stored in the inner store as envelopes (a byte array per value, hash field or list item);
/// keys, metadata, TTLs and entry sizes are not encrypted. Counters cannot live under encrypted keys.
/// </para>
/// <para>Thread-safe, as the inner store is.</para>
/// </remarks>
public sealed partial class SecuredMemoryStore : IMemoryStore, IMemoryOperations
{
    private readonly MemorySecurity _security;
    private readonly IMemoryStore _inner;
    private readonly IMemoryOperations _innerOperations;
    private readonly MemoryPrincipal? _principal;
    private readonly MemorySecurityOptions _settings;

    /// <summary>Creates a secured view of the store <paramref name="security"/> protects.</summary>
    /// <param name="security">The security service, which knows the inner store.</param>
    /// <param name="principal">A fixed caller, or null to use <see cref="MemorySecurityContext.Current"/> on each call.</param>
    /// <exception cref="ArgumentNullException"><paramref name="security"/> is null.</exception>
    public SecuredMemoryStore(MemorySecurity security, MemoryPrincipal? principal = null)
    {
        _security = security ?? throw new ArgumentNullException(nameof(security));
        _inner = security.Store;
        _innerOperations = security.Operations;
        _settings = security.Settings;
        _principal = principal;
    }

    /// <summary>The security service this store enforces.</summary>
    public MemorySecurity Security => _security;

    /// <summary>The fixed caller of this view, or null when it uses the ambient principal.</summary>
    public MemoryPrincipal? Principal => _principal;

    /// <summary>Returns a view of the same store whose calls are made as <paramref name="principal"/>, whatever the ambient context says.</summary>
    /// <param name="principal">The caller.</param>
    /// <returns>The view.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="principal"/> is null.</exception>
    public SecuredMemoryStore ForPrincipal(MemoryPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return new SecuredMemoryStore(_security, principal);
    }

    private MemoryPrincipal? Caller => _principal ?? MemorySecurityContext.Current;

    /// <summary>Checks the caller may do <paramref name="required"/> on <paramref name="resource"/>; audits the decision; throws when denied.</summary>
    private async ValueTask<MemoryPrincipal?> AuthorizeAsync(string resource, MemoryAction required, string operation, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var principal = Caller;
        var allowed = !MemorySecurity.IsReserved(resource)
            && (!_settings.EnableAccessControl || await _security.Acl.IsAllowedAsync(principal, resource, required, cancellationToken).ConfigureAwait(false));
        if (!allowed)
        {
            await _security.AuditAsync(principal?.Id, resource, required, MemoryAuditResult.Denied, operation, null, cancellationToken).ConfigureAwait(false);
            throw new MemoryAccessDeniedException(principal?.Id, resource, required);
        }

        if (_settings.AuditReads || required != MemoryAction.Read)
        {
            await _security.AuditAsync(principal?.Id, resource, required, MemoryAuditResult.Allowed, operation, null, cancellationToken).ConfigureAwait(false);
        }

        return principal;
    }

    private byte[] Seal(string key, string? part, ReadOnlySpan<byte> plaintext)
    {
        _security.CheckValueSize(key, plaintext.Length);
        return _security.Cipher.Seal(key, part, plaintext);
    }

    private byte[] SealValue<T>(string key, string? part, T value) => Seal(key, part, _security.Serializer.Serialize(value));

    private async ValueTask<T> OpenAsync<T>(MemoryPrincipal? principal, string key, string? part, byte[] envelope, string operation, CancellationToken cancellationToken)
    {
        var plaintext = await _security.OpenAsync(principal, key, part, envelope, operation, cancellationToken).ConfigureAwait(false);
        try
        {
            return _security.Serializer.Deserialize<T>(plaintext);
        }
        catch (MemorySerializationException ex)
        {
            throw new MemorySerializationException(key, $"The decrypted value under key '{key}' cannot be read as {typeof(T)}: {ex.Message}", ex);
        }
    }

    private void ThrowIfEncryptedCounter(string key)
    {
        if (_security.IsEncrypted(key))
        {
            throw new MemorySecurityException($"The key '{key}' is covered by an encryption policy, and counters cannot be encrypted (they are updated in place by the inner store). Keep counters under keys no policy covers.");
        }
    }

    private void CheckPattern(string? pattern)
    {
        if (pattern is not null && pattern.Length > _settings.MaxPatternLength)
        {
            throw new ArgumentException($"A pattern may be at most {_settings.MaxPatternLength} characters; got {pattern.Length}.", nameof(pattern));
        }

        GlobPattern.Parse(pattern);
    }

    private List<T> Materialize<T>(IEnumerable<T> items, string paramName)
    {
        ArgumentNullException.ThrowIfNull(items, paramName);
        var list = new List<T>();
        foreach (var item in items)
        {
            if (item is null)
            {
                throw new ArgumentNullException(paramName, "The collection holds a null item.");
            }

            list.Add(item);
            if (list.Count > _settings.MaxBatchSize)
            {
                throw new ArgumentException($"A batch may hold at most {_settings.MaxBatchSize} items (MemorySecurityOptions.MaxBatchSize).", paramName);
            }
        }

        return list;
    }
}
