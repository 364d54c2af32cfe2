namespace AgentMemory;

/// <summary>Thrown when the access-control list does not allow a principal an action on a resource. Nothing is changed.</summary>
public class MemoryAccessDeniedException : MemorySecurityException
{
    /// <summary>Creates an exception with a default message.</summary>
    public MemoryAccessDeniedException()
        : base("Access to the memory was denied.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public MemoryAccessDeniedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public MemoryAccessDeniedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for a denied <paramref name="action"/> by <paramref name="principalId"/> on <paramref name="resource"/>.</summary>
    /// <param name="principalId">The principal that was denied, or null when the call had no principal.</param>
    /// <param name="resource">The key or pattern the call concerned.</param>
    /// <param name="action">The action that was denied.</param>
    public MemoryAccessDeniedException(string? principalId, string resource, MemoryAction action)
        : base(principalId is null
            ? $"Access denied: the call has no principal, and '{action}' on '{resource}' needs one (set MemorySecurityContext or use ForPrincipal)."
            : $"Access denied: principal '{principalId}' may not '{action}' on '{resource}'.")
    {
        PrincipalId = principalId;
        Resource = resource;
        Action = action;
    }

    /// <summary>The principal that was denied, or null when the call had none.</summary>
    public string? PrincipalId { get; }

    /// <summary>The key or pattern the call concerned.</summary>
    public string? Resource { get; }

    /// <summary>The action that was denied.</summary>
    public MemoryAction Action { get; }
}
