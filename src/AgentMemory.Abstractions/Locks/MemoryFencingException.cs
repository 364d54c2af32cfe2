namespace AgentMemory;

/// <summary>
/// Thrown when a fenced write carries a token that is no longer the newest grant on its resource: the writer's
/// lease ran out and someone else was granted the lock since. The write was not made.
/// </summary>
public class MemoryFencingException : MemoryException
{
    /// <summary>Creates an exception with a default message.</summary>
    public MemoryFencingException()
        : base("The fencing token is stale; the write was rejected.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public MemoryFencingException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public MemoryFencingException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception about a rejected write on <paramref name="resource"/>.</summary>
    /// <param name="resource">The locked resource.</param>
    /// <param name="fencingToken">The token the write carried.</param>
    /// <param name="currentToken">The newest token granted on the resource.</param>
    public MemoryFencingException(string resource, long fencingToken, long currentToken)
        : base(fencingToken < currentToken
            ? $"The write to '{resource}' carries fencing token {fencingToken}, but token {currentToken} has been granted since: the writer's lease ran out and the write was rejected."
            : $"The write to '{resource}' carries fencing token {fencingToken}, which was never granted (the newest is {currentToken}); the write was rejected.")
    {
        Resource = resource;
        FencingToken = fencingToken;
        CurrentToken = currentToken;
    }

    /// <summary>The locked resource, when known.</summary>
    public string? Resource { get; }

    /// <summary>The token the rejected write carried.</summary>
    public long FencingToken { get; }

    /// <summary>The newest token granted on the resource when the write was rejected.</summary>
    public long CurrentToken { get; }
}
