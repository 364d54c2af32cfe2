using System.Collections.Concurrent;

namespace AgentMemory.Semantic;

/// <summary>
/// A version number per request scope, bumped whenever a memory visible to that scope changes in a way that can
/// change a retrieval's candidates (content, embedding, type, importance, timestamp, metadata, deletion). A cached
/// candidate set is valid while the version it was computed under is still current.
/// </summary>
/// <remarks>
/// <para>
/// Thread-safe. A retrieval takes its token <em>before</em> it scans the indexes and a writer bumps the versions
/// <em>after</em> it has changed them, so a scan that may have seen an old index is never cached under a current
/// version.
/// </para>
/// <para>
/// Request scopes are kept up to <c>maxScopes</c>; past that every version is retired (all cached sets become
/// invalid) and counting starts again, so the table stays bounded however many users query.
/// </para>
/// </remarks>
internal sealed class ScopeVersions(int maxScopes)
{
    private readonly ConcurrentDictionary<MemoryScope, Version> _versions = new();
    private readonly object _retireGate = new();

    /// <summary>The current version of <paramref name="requestScope"/>; take it before scanning.</summary>
    public Token Current(MemoryScope requestScope)
    {
        if (_versions.Count >= maxScopes && !_versions.ContainsKey(requestScope))
        {
            RetireAll();
        }

        var version = _versions.GetOrAdd(requestScope, static _ => new Version());
        return new Token(version, Volatile.Read(ref version.Value));
    }

    /// <summary>Whether nothing visible to the token's scope has changed since it was taken.</summary>
    public static bool IsCurrent(Token token) => !token.Version.Retired && Volatile.Read(ref token.Version.Value) == token.Value;

    /// <summary>Bumps the version of every request scope that can see a memory of <paramref name="memoryScope"/>. Call after the indexes changed.</summary>
    public void Invalidate(MemoryScope memoryScope)
    {
        foreach (var (requestScope, version) in _versions)
        {
            if (memoryScope.IsVisibleTo(requestScope))
            {
                Interlocked.Increment(ref version.Value);
            }
        }
    }

    /// <summary>Invalidates everything.</summary>
    public void RetireAll()
    {
        lock (_retireGate)
        {
            foreach (var (scope, version) in _versions)
            {
                version.Retired = true;
                _versions.TryRemove(scope, out _);
            }
        }
    }

    /// <summary>A version as a retrieval saw it.</summary>
    internal readonly record struct Token(Version Version, long Value);

    /// <summary>One scope's mutable version.</summary>
    internal sealed class Version
    {
        public long Value;
        private volatile bool _retired;

        public bool Retired
        {
            get => _retired;
            set => _retired = value;
        }
    }
}
