namespace AgentMemory;

/// <summary>Thrown when a task is assigned to an agent that is not registered, not heartbeating, or lacks a required capability.</summary>
public class AgentUnavailableException : MemoryException
{
    /// <summary>Creates an exception with a default message.</summary>
    public AgentUnavailableException()
        : base("The agent cannot take the task.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public AgentUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public AgentUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception about the agent <paramref name="agentId"/>.</summary>
    /// <param name="agentId">The agent.</param>
    /// <param name="message">What went wrong.</param>
    public AgentUnavailableException(string agentId, string message)
        : base(message)
    {
        AgentId = agentId;
    }

    /// <summary>The agent involved, when known.</summary>
    public string? AgentId { get; }
}
