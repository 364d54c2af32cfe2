namespace AgentMemory.Security;

/// <summary>A <see cref="MemorySecurityException"/> that says which audit outcome the failure is.</summary>
internal sealed class EnvelopeException(string message, MemoryAuditResult outcome, Exception? innerException = null)
    : MemorySecurityException(message, innerException)
{
    public MemoryAuditResult Outcome { get; } = outcome;
}
