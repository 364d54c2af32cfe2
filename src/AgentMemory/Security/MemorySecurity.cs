using AgentMemory.Serialization;
using AgentMemory.Storage;

namespace AgentMemory.Security;

/// <summary>
/// The in-process <see cref="IMemorySecurity"/>: AES-256-GCM envelopes under an <see cref="IKeyProvider"/>, an
/// access-control list persisted in the memory it protects, an <see cref="IMemoryAuditLog"/>, and threat rules
/// over that log. Hand agents a <see cref="SecuredMemoryStore"/> built on it; keep this object for the host.
/// </summary>
/// <remarks>
/// <para>
/// The access-control list lives in the protected store under <see cref="MemorySecurityOptions.ReservedKeyPrefix"/>,
/// so it persists exactly as long as the store does; it is loaded on first use and cached. Another process
/// changing it in a shared backend is not seen until <see cref="ReloadAccessControl"/>.
/// </para>
/// <para>
/// Dispose it to free the cached AES-GCM contexts (the key material itself belongs to the key provider, which the
/// host disposes). The store, key provider and audit log are not disposed by it.
/// </para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed partial class MemorySecurity : IMemorySecurity, IDisposable
{
    private readonly IMemoryStore _store;
    private readonly IMemoryOperations _operations;
    private readonly IMemoryAuditLog _audit;
    private readonly MemorySecurityOptions _options;
    private readonly AccessControlList _acl;
    private readonly EnvelopeCipher _cipher;
    private readonly GlobPattern[] _encrypted;
    private readonly ThreatDetector _detector;

    /// <summary>Creates the security service for one memory.</summary>
    /// <param name="store">The store to protect (the same object the secured store wraps).</param>
    /// <param name="operations">Its operations protocol (usually the same object).</param>
    /// <param name="keys">The data-encryption keys.</param>
    /// <param name="auditLog">Where decisions and mutations are recorded.</param>
    /// <param name="options">Settings (copied and validated now); null for the defaults.</param>
    /// <param name="timeProvider">The clock for audit timestamps and detection windows; null for the system clock.</param>
    /// <param name="serializer">The value serializer; null for <see cref="MessagePackMemorySerializer.Default"/>. Use the one the store uses.</param>
    /// <exception cref="ArgumentNullException">A required argument is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public MemorySecurity(
        IMemoryStore store,
        IMemoryOperations operations,
        IKeyProvider keys,
        IMemoryAuditLog auditLog,
        MemorySecurityOptions? options = null,
        TimeProvider? timeProvider = null,
        IMemorySerializer? serializer = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _operations = operations ?? throw new ArgumentNullException(nameof(operations));
        Keys = keys ?? throw new ArgumentNullException(nameof(keys));
        _audit = auditLog ?? throw new ArgumentNullException(nameof(auditLog));
        _options = ValidateAndCopy(options);
        Time = timeProvider ?? TimeProvider.System;
        Serializer = serializer ?? MessagePackMemorySerializer.Default;
        _acl = new AccessControlList(_store, _operations, _options.MaxPatternLength);
        _cipher = new EnvelopeCipher(Keys, _options.MemoryName);
        _encrypted = [.. _options.EncryptedKeyPatterns.Select(p => GlobPattern.Parse(p))];
        _detector = new ThreatDetector(_options.ThreatDetection, _options.EncryptedKeyPatterns);
    }

    /// <summary>The key provider.</summary>
    public IKeyProvider Keys { get; }

    /// <summary>The audit log.</summary>
    public IMemoryAuditLog AuditLog => _audit;

    /// <summary>The clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>The value serializer.</summary>
    public IMemorySerializer Serializer { get; }

    /// <summary>A copy of the settings in effect.</summary>
    public MemorySecurityOptions Options => _options.Clone();

    internal MemorySecurityOptions Settings => _options;

    internal AccessControlList Acl => _acl;

    internal EnvelopeCipher Cipher => _cipher;

    internal IMemoryStore Store => _store;

    internal IMemoryOperations Operations => _operations;

    /// <summary>Tells whether an encryption policy covers <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> if values under the key are encrypted.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    public bool IsEncrypted(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        foreach (var pattern in _encrypted)
        {
            if (pattern.IsMatch(key))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Forgets the cached access-control list so the next check reloads it from the store.</summary>
    public void ReloadAccessControl() => Acl.Invalidate();

    /// <inheritdoc />
    public ValueTask<EncryptedMemoryValue> EncryptAsync<T>(string resource, T value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        cancellationToken.ThrowIfCancellationRequested();
        var plaintext = Serializer.Serialize(value);
        CheckValueSize(resource, plaintext.Length);
        var envelope = Cipher.Seal(resource, null, plaintext);
        return new(new EncryptedMemoryValue(EnvelopeCipher.ReadKeyId(envelope), envelope));
    }

    /// <inheritdoc />
    public async ValueTask<T?> DecryptAsync<T>(string resource, EncryptedMemoryValue value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        ArgumentNullException.ThrowIfNull(value);
        cancellationToken.ThrowIfCancellationRequested();
        var plaintext = await OpenAsync(MemorySecurityContext.Current, resource, null, value.Envelope, "Decrypt", cancellationToken).ConfigureAwait(false);
        return Serializer.Deserialize<T>(plaintext);
    }

    /// <inheritdoc />
    public async ValueTask<bool> CheckAccessAsync(MemoryPrincipal principal, string resource, MemoryAction action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(resource);
        var allowed = !IsReserved(resource) && await Acl.IsAllowedAsync(principal, resource, action, cancellationToken).ConfigureAwait(false);
        await AuditAsync(principal.Id, resource, action, allowed ? MemoryAuditResult.Allowed : MemoryAuditResult.Denied, "CheckAccess", null, cancellationToken).ConfigureAwait(false);
        return allowed;
    }

    /// <inheritdoc />
    public ValueTask<bool> GrantAccessAsync(string subject, string resourcePattern, MemoryAction actions, CancellationToken cancellationToken = default) =>
        ChangeAccessAsync(subject, resourcePattern, actions, grant: true, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> RevokeAccessAsync(string subject, string resourcePattern, MemoryAction actions, CancellationToken cancellationToken = default) =>
        ChangeAccessAsync(subject, resourcePattern, actions, grant: false, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<MemoryAccessRule>> GetAccessRulesAsync(CancellationToken cancellationToken = default) => Acl.GetRulesAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask<MemoryAuditEntry> AuditAccessAsync(string principalId, string resource, MemoryAction action, MemoryAuditResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(principalId);
        ArgumentNullException.ThrowIfNull(resource);
        return _audit.AppendAsync(new MemoryAuditRecord(Time.GetUtcNow(), principalId, resource, action, result, "AuditAccess"), cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<MemoryAuditEntry>> GetAuditLogAsync(MemoryAuditQuery query, CancellationToken cancellationToken = default) =>
        _audit.QueryAsync(query, cancellationToken);

    /// <inheritdoc />
    public ValueTask<MemoryAuditVerification> VerifyAuditLogAsync(CancellationToken cancellationToken = default) => _audit.VerifyAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<MemorySecurityThreat>> DetectThreatsAsync(TimeSpan window, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        var now = Time.GetUtcNow();
        var entries = await _audit.QueryAsync(new MemoryAuditQuery { From = now - window, Limit = int.MaxValue }, cancellationToken).ConfigureAwait(false);
        return _detector.Detect(entries);
    }

    /// <summary>Frees the cached AES-GCM contexts. Later calls still work, creating a context per call.</summary>
    public void Dispose() => _cipher.Dispose();

    internal static bool IsReserved(string key) => key.StartsWith(MemorySecurityOptions.ReservedKeyPrefix, StringComparison.Ordinal);

    internal void CheckValueSize(string key, int length)
    {
        if (length > _options.MaxValueBytes)
        {
            throw new MemoryCapacityException($"The value for '{key}' is {length} bytes serialized; the secured store encrypts at most {_options.MaxValueBytes} bytes (MemorySecurityOptions.MaxValueBytes).");
        }
    }

    internal ValueTask AuditAsync(string? principalId, string resource, MemoryAction action, MemoryAuditResult result, string operation, string? detail, CancellationToken cancellationToken)
    {
        var append = _audit.AppendAsync(new MemoryAuditRecord(Time.GetUtcNow(), principalId, resource, action, result, operation, detail), CancellationToken.None);
        if (append.IsCompletedSuccessfully)
        {
            return default;
        }

        return Await(append);

        static async ValueTask Await(ValueTask<MemoryAuditEntry> pending) => await pending.ConfigureAwait(false);
    }

    /// <summary>Opens an envelope; a failure is audited (tamper or retired key) before it is thrown.</summary>
    internal async ValueTask<byte[]> OpenAsync(MemoryPrincipal? principal, string resource, string? part, ReadOnlyMemory<byte> envelope, string operation, CancellationToken cancellationToken)
    {
        try
        {
            return Cipher.Open(resource, part, envelope.Span, out _);
        }
        catch (EnvelopeException ex)
        {
            await AuditAsync(principal?.Id, resource, MemoryAction.Read, ex.Outcome, operation, ex.Message, cancellationToken).ConfigureAwait(false);
            throw;
        }
    }

    private async ValueTask<bool> ChangeAccessAsync(string subject, string resourcePattern, MemoryAction actions, bool grant, CancellationToken cancellationToken)
    {
        Acl.ValidateRule(subject, resourcePattern, actions);
        var operation = grant ? "GrantAccess" : "RevokeAccess";
        var caller = MemorySecurityContext.Current;
        var detail = $"{(grant ? "grant" : "revoke")} {actions} to '{subject}'";
        if (caller is not null && !await Acl.IsAllowedAsync(caller, resourcePattern, MemoryAction.Admin, cancellationToken).ConfigureAwait(false))
        {
            await AuditAsync(caller.Id, resourcePattern, MemoryAction.Admin, MemoryAuditResult.Denied, operation, detail, cancellationToken).ConfigureAwait(false);
            throw new MemoryAccessDeniedException(caller.Id, resourcePattern, MemoryAction.Admin);
        }

        var changed = await Acl.ChangeAsync(subject, resourcePattern, actions, grant, cancellationToken).ConfigureAwait(false);
        await AuditAsync(caller?.Id ?? "host", resourcePattern, MemoryAction.Admin, MemoryAuditResult.Allowed, operation, detail + (changed ? string.Empty : " (no change)"), cancellationToken).ConfigureAwait(false);
        return changed;
    }

    private static MemorySecurityOptions ValidateAndCopy(MemorySecurityOptions? options)
    {
        var copy = (options ?? new MemorySecurityOptions()).Clone();
        var errors = copy.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        return copy;
    }
}
