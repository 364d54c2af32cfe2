using System.Globalization;
using AgentMemory.Storage;

namespace AgentMemory.Security;

/// <summary>
/// The access-control list: rules of (subject, resource glob, actions), deny by default, persisted as one hash in
/// the memory itself under <see cref="StorageKey"/> (field <c>&lt;subject length&gt;:&lt;subject&gt;&lt;pattern&gt;</c>, value the action flags).
/// </summary>
/// <remarks>
/// Thread-safe: checks read an immutable snapshot published with a volatile write; changes are serialized by a
/// semaphore and written through to the store before the new snapshot is published.
/// </remarks>
internal sealed class AccessControlList(IMemoryStore entries, IMemoryOperations store, int maxPatternLength)
{
    public const string StorageKey = MemorySecurityOptions.ReservedKeyPrefix + "acl";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Rule[]? _rules;

    public async ValueTask<bool> IsAllowedAsync(MemoryPrincipal? principal, string resource, MemoryAction required, CancellationToken cancellationToken)
    {
        var rules = _rules ?? await LoadAsync(cancellationToken).ConfigureAwait(false);
        return IsAllowed(rules, principal, resource, required);
    }

    public async ValueTask<Func<string, bool>> GetReadFilterAsync(MemoryPrincipal? principal, CancellationToken cancellationToken)
    {
        var rules = _rules ?? await LoadAsync(cancellationToken).ConfigureAwait(false);
        if (principal is null)
        {
            return static _ => false;
        }

        var mine = rules.Where(r => principal.IsNamedBy(r.Subject)).ToArray();
        return key => IsAllowed(mine, principal, key, MemoryAction.Read);
    }

    public async ValueTask<IReadOnlyList<MemoryAccessRule>> GetRulesAsync(CancellationToken cancellationToken)
    {
        var rules = _rules ?? await LoadAsync(cancellationToken).ConfigureAwait(false);
        return [.. rules.Select(r => new MemoryAccessRule(r.Subject, r.Pattern, r.Actions)).OrderBy(r => r.Subject, StringComparer.Ordinal).ThenBy(r => r.ResourcePattern, StringComparer.Ordinal)];
    }

    public async ValueTask<bool> ChangeAsync(string subject, string pattern, MemoryAction actions, bool grant, CancellationToken cancellationToken)
    {
        ValidateRule(subject, pattern, actions);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var rules = _rules ?? await LoadCoreAsync(cancellationToken).ConfigureAwait(false);
            var index = Array.FindIndex(rules, r => r.Subject == subject && r.Pattern == pattern);
            var current = index >= 0 ? rules[index].Actions : MemoryAction.None;
            var updated = grant ? current | actions : current & ~actions;
            if (updated == current)
            {
                return false;
            }

            var list = rules.ToList();
            if (index >= 0)
            {
                list.RemoveAt(index);
            }

            if (updated != MemoryAction.None)
            {
                list.Add(new Rule(subject, pattern, GlobPattern.Parse(pattern), updated));
            }

            // The whole list is rewritten, at Critical priority, so a capacity-bound store evicts it last; an empty
            // map deletes the key. Losing it would fail closed (deny everything), never open.
            var fields = list.ToDictionary(r => FieldName(r.Subject, r.Pattern), r => (long)r.Actions, StringComparer.Ordinal);
            await store.SetHashAsync(StorageKey, fields, new MemoryEntryOptions { Priority = MemoryPriority.Critical }, cancellationToken).ConfigureAwait(false);
            _rules = [.. list];
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets the cached rules so the next check reloads them from the store (after a restore, for example).</summary>
    public void Invalidate() => _rules = null;

    public void ValidateRule(string subject, string pattern, MemoryAction actions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        if (subject.Length > MemoryPrincipal.MaxIdLength + MemoryPrincipal.RolePrefix.Length)
        {
            throw new ArgumentException($"An access-rule subject may be at most {MemoryPrincipal.MaxIdLength + MemoryPrincipal.RolePrefix.Length} characters; got {subject.Length}.", nameof(subject));
        }

        if (pattern.Length > maxPatternLength)
        {
            throw new ArgumentException($"A resource pattern may be at most {maxPatternLength} characters; got {pattern.Length}.", nameof(pattern));
        }

        GlobPattern.Parse(pattern, nameof(pattern));
        if (actions == MemoryAction.None || (actions & ~MemoryAction.All) != 0)
        {
            throw new ArgumentException($"Actions must be a non-empty combination of Read, Write, Delete and Admin; got {actions}.", nameof(actions));
        }
    }

    private static bool IsAllowed(Rule[] rules, MemoryPrincipal? principal, string resource, MemoryAction required)
    {
        if (principal is null)
        {
            return false;
        }

        var granted = MemoryAction.None;
        foreach (var rule in rules)
        {
            if (principal.IsNamedBy(rule.Subject) && rule.Glob.IsMatch(resource))
            {
                granted |= rule.Actions;
                if ((granted & MemoryAction.Admin) != 0 || (granted & required) == required)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static string FieldName(string subject, string pattern) =>
        string.Create(CultureInfo.InvariantCulture, $"{subject.Length}:{subject}{pattern}");

    private async ValueTask<Rule[]> LoadAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _rules ?? await LoadCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async ValueTask<Rule[]> LoadCoreAsync(CancellationToken cancellationToken)
    {
        // Exists first, so that a memory without rules does not count a miss in the store's statistics.
        IReadOnlyDictionary<string, long> stored = await entries.ExistsAsync(StorageKey, cancellationToken).ConfigureAwait(false)
            ? await store.GetHashAsync<long>(StorageKey, cancellationToken).ConfigureAwait(false)
            : new Dictionary<string, long>();
        var rules = new List<Rule>(stored.Count);
        foreach (var (field, value) in stored)
        {
            var colon = field.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !int.TryParse(field.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                || length > field.Length - colon - 1 || (value & ~(long)MemoryAction.All) != 0)
            {
                throw new MemorySecurityException($"The stored access-control list has a malformed rule '{field}'; refusing to guess what it allows.");
            }

            var subject = field.Substring(colon + 1, length);
            var pattern = field[(colon + 1 + length)..];
            rules.Add(new Rule(subject, pattern, GlobPattern.Parse(pattern), (MemoryAction)value));
        }

        var array = rules.ToArray();
        _rules = array;
        return array;
    }

    private sealed record Rule(string Subject, string Pattern, GlobPattern Glob, MemoryAction Actions);
}
