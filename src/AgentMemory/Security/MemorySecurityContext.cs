namespace AgentMemory.Security;

/// <summary>
/// The ambient caller of the secured store: a principal that flows with the async control flow
/// (<see cref="AsyncLocal{T}"/>), set for a scope with <see cref="BeginScope"/>.
/// </summary>
/// <remarks>Thread-safe: each async flow sees its own principal.</remarks>
public static class MemorySecurityContext
{
    private static readonly AsyncLocal<MemoryPrincipal?> Ambient = new();

    /// <summary>The principal of the current async flow, or null.</summary>
    public static MemoryPrincipal? Current => Ambient.Value;

    /// <summary>Makes <paramref name="principal"/> the caller until the returned scope is disposed (which restores the previous one).</summary>
    /// <param name="principal">The caller.</param>
    /// <returns>The scope.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="principal"/> is null.</exception>
    public static IDisposable BeginScope(MemoryPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var previous = Ambient.Value;
        Ambient.Value = principal;
        return new Scope(previous);
    }

    private sealed class Scope(MemoryPrincipal? previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                Ambient.Value = previous;
            }
        }
    }
}
