namespace AgentMemory;

/// <summary>
/// The memory security protocol: authenticated encryption with key ids and rotation, access control by
/// principal, resource pattern and action, a tamper-evident audit log, and threat detection over that log.
/// </summary>
/// <remarks>
/// <para>
/// This is the host's administrative surface. Agents get a secured <see cref="IMemoryStore"/>, which enforces
/// the access-control list on every call; they should not be handed this interface. When a call here runs
/// under an ambient principal, granting or revoking needs <see cref="MemoryAction.Admin"/> on the pattern.
/// </para>
/// <para>Implementations are thread-safe.</para>
/// </remarks>
public interface IMemorySecurity
{
    /// <summary>Serializes and encrypts <paramref name="value"/> under the active key, bound to <paramref name="resource"/>.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="resource">The key (or other name) the value belongs to; decryption must name the same one.</param>
    /// <param name="value">The value.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>The sealed value.</returns>
    /// <exception cref="ArgumentException"><paramref name="resource"/> is null or empty.</exception>
    /// <exception cref="MemorySerializationException">The value cannot be serialized.</exception>
    /// <exception cref="MemorySecurityException">No key can encrypt.</exception>
    ValueTask<EncryptedMemoryValue> EncryptAsync<T>(string resource, T value, CancellationToken cancellationToken = default);

    /// <summary>Authenticates, decrypts and deserializes a value sealed by <see cref="EncryptAsync{T}"/>.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="resource">The resource the value was sealed for.</param>
    /// <param name="value">The sealed value.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentException"><paramref name="resource"/> is null or empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    /// <exception cref="MemorySecurityException">The envelope was altered, belongs to another resource, or its key is unknown or retired.</exception>
    /// <exception cref="MemorySerializationException">The plaintext is not a <typeparamref name="T"/>.</exception>
    ValueTask<T?> DecryptAsync<T>(string resource, EncryptedMemoryValue value, CancellationToken cancellationToken = default);

    /// <summary>Tells whether the access-control list allows <paramref name="principal"/> <paramref name="action"/> on <paramref name="resource"/>. The decision is audited.</summary>
    /// <param name="principal">The caller.</param>
    /// <param name="resource">The key.</param>
    /// <param name="action">One action.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> if a rule allows it; deny by default.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="principal"/> or <paramref name="resource"/> is null.</exception>
    ValueTask<bool> CheckAccessAsync(MemoryPrincipal principal, string resource, MemoryAction action, CancellationToken cancellationToken = default);

    /// <summary>Allows <paramref name="subject"/> <paramref name="actions"/> on keys matching <paramref name="resourcePattern"/>. Persisted in the memory and audited.</summary>
    /// <param name="subject">A principal id, or <c>role:&lt;name&gt;</c>.</param>
    /// <param name="resourcePattern">An exact key or a glob.</param>
    /// <param name="actions">The actions to allow.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns><see langword="true"/> if the grant added an action the subject did not have on that pattern.</returns>
    /// <exception cref="ArgumentException">The subject or pattern is empty, too long or malformed, or <paramref name="actions"/> is none or undefined.</exception>
    /// <exception cref="MemoryAccessDeniedException">The ambient principal may not administer the pattern.</exception>
    ValueTask<bool> GrantAccessAsync(string subject, string resourcePattern, MemoryAction actions, CancellationToken cancellationToken = default);

    /// <summary>Removes <paramref name="actions"/> from what <paramref name="subject"/> may do on <paramref name="resourcePattern"/> (the same pattern string that was granted).</summary>
    /// <param name="subject">A principal id, or <c>role:&lt;name&gt;</c>.</param>
    /// <param name="resourcePattern">The pattern, as granted.</param>
    /// <param name="actions">The actions to remove.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns><see langword="true"/> if the subject had any of those actions on that pattern.</returns>
    /// <exception cref="ArgumentException">The subject or pattern is empty or too long, or <paramref name="actions"/> is none or undefined.</exception>
    /// <exception cref="MemoryAccessDeniedException">The ambient principal may not administer the pattern.</exception>
    ValueTask<bool> RevokeAccessAsync(string subject, string resourcePattern, MemoryAction actions, CancellationToken cancellationToken = default);

    /// <summary>Lists the access-control list.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The rules, ordered by subject then pattern.</returns>
    ValueTask<IReadOnlyList<MemoryAccessRule>> GetAccessRulesAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes an access by the host's own code to the audit log (the secured store audits its calls itself).</summary>
    /// <param name="principalId">The principal.</param>
    /// <param name="resource">The resource.</param>
    /// <param name="action">The action.</param>
    /// <param name="result">The outcome.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>The audit entry.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="principalId"/> or <paramref name="resource"/> is null.</exception>
    ValueTask<MemoryAuditEntry> AuditAccessAsync(string principalId, string resource, MemoryAction action, MemoryAuditResult result, CancellationToken cancellationToken = default);

    /// <summary>Reads the audit log.</summary>
    /// <param name="query">Time range, principal and limit.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entries, oldest first.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    ValueTask<IReadOnlyList<MemoryAuditEntry>> GetAuditLogAsync(MemoryAuditQuery query, CancellationToken cancellationToken = default);

    /// <summary>Verifies the audit log's hash chain and authenticated head.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The verification result.</returns>
    ValueTask<MemoryAuditVerification> VerifyAuditLogAsync(CancellationToken cancellationToken = default);

    /// <summary>Runs the threat rules over the audit entries of the last <paramref name="window"/>.</summary>
    /// <param name="window">How far back to look, e.g. one hour.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The threats found, most severe first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/> is not positive.</exception>
    ValueTask<IReadOnlyList<MemorySecurityThreat>> DetectThreatsAsync(TimeSpan window, CancellationToken cancellationToken = default);

    /// <summary>
    /// Re-encrypts, under the active key, every encrypted value whose key matches <paramref name="pattern"/> and
    /// is sealed with an older key, so the older keys can be retired.
    /// </summary>
    /// <param name="pattern">A glob, or null for every key.</param>
    /// <param name="cancellationToken">Cancels the pass between keys.</param>
    /// <returns>How many values (including hash fields and list items) were re-encrypted.</returns>
    /// <exception cref="ArgumentException"><paramref name="pattern"/> is malformed.</exception>
    /// <exception cref="MemorySecurityException">A value is tampered with, or sealed under a retired key.</exception>
    ValueTask<long> ReEncryptAsync(string? pattern = null, CancellationToken cancellationToken = default);
}
