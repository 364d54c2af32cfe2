using System.Globalization;
using AgentMemory.Storage;

namespace AgentMemory.Security;

/// <content>The re-encryption pass that moves values off older keys.</content>
public sealed partial class MemorySecurity
{
    /// <inheritdoc />
    /// <remarks>
    /// <para>
    /// Plain values are swapped with an atomic compare-and-swap on the stored envelope, so a concurrent write always
    /// wins and TTL, priority and metadata are kept. Hash fields are rewritten one by one: a field written
    /// concurrently with the pass may be overwritten by its re-encrypted old value, so run the pass when the keys
    /// under <paramref name="pattern"/> are quiet. List items cannot be rewritten in place (the operations protocol
    /// has no list update); a list that still holds items under an older key makes the pass throw
    /// <see cref="MemorySecurityException"/> naming it, after the other keys were processed, so the key is not
    /// retired while data still needs it.
    /// </para>
    /// <para>Runs as the host; one audit entry records the pass.</para>
    /// </remarks>
    public async ValueTask<long> ReEncryptAsync(string? pattern = null, CancellationToken cancellationToken = default)
    {
        if (pattern is not null && pattern.Length > _options.MaxPatternLength)
        {
            throw new ArgumentException($"A pattern may be at most {_options.MaxPatternLength} characters; got {pattern.Length}.", nameof(pattern));
        }

        GlobPattern.Parse(pattern);
        var active = Keys.ActiveKeyId;
        long moved = 0;
        var stuckLists = new List<string>();
        await foreach (var key in _store.EnumerateKeysAsync(pattern, 1000, cancellationToken).ConfigureAwait(false))
        {
            if (IsReserved(key) || !IsEncrypted(key))
            {
                continue;
            }

            var info = await _store.GetEntryInfoAsync(key, cancellationToken).ConfigureAwait(false);
            switch (info?.Kind)
            {
                case MemoryEntryKind.Value:
                    var lookup = await _store.TryRetrieveAsync<byte[]>(key, cancellationToken).ConfigureAwait(false);
                    if (lookup.Found && lookup.Value is { } envelope && EnvelopeCipher.ReadKeyId(envelope) != active)
                    {
                        var plaintext = await OpenAsync(null, key, null, envelope, "ReEncrypt", cancellationToken).ConfigureAwait(false);
                        if (await _operations.CompareAndSwapAsync(key, envelope, _cipher.Seal(key, null, plaintext), cancellationToken).ConfigureAwait(false))
                        {
                            moved++;
                        }
                    }

                    break;
                case MemoryEntryKind.Hash:
                    var fields = await _operations.GetHashAsync<byte[]>(key, cancellationToken).ConfigureAwait(false);
                    foreach (var (field, fieldEnvelope) in fields)
                    {
                        if (EnvelopeCipher.ReadKeyId(fieldEnvelope) != active)
                        {
                            var plaintext = await OpenAsync(null, key, EnvelopeCipher.HashFieldPart(field), fieldEnvelope, "ReEncrypt", cancellationToken).ConfigureAwait(false);
                            await _operations.SetHashFieldAsync(key, field, _cipher.Seal(key, EnvelopeCipher.HashFieldPart(field), plaintext), cancellationToken).ConfigureAwait(false);
                            moved++;
                        }
                    }

                    break;
                case MemoryEntryKind.List:
                    var items = await _operations.GetListAsync<byte[]>(key, cancellationToken).ConfigureAwait(false);
                    if (items.Any(item => EnvelopeCipher.ReadKeyId(item) != active))
                    {
                        stuckLists.Add(key);
                    }

                    break;
            }
        }

        await AuditAsync(MemorySecurityContext.Current?.Id ?? "host", pattern ?? "*", MemoryAction.Admin, MemoryAuditResult.Allowed, "ReEncrypt",
            string.Create(CultureInfo.InvariantCulture, $"{moved} values moved to key '{active}'; {stuckLists.Count} lists left"), cancellationToken).ConfigureAwait(false);
        if (stuckLists.Count > 0)
        {
            throw new MemorySecurityException($"Re-encrypted {moved} values, but {stuckLists.Count} list(s) still hold items under older keys and cannot be rewritten in place: {string.Join(", ", stuckLists.Take(10))}. Rewrite them (read, delete, append) before retiring the old keys.");
        }

        return moved;
    }
}
