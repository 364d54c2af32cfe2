namespace AgentMemory;

/// <summary>
/// Who a semantic memory belongs to: a user, an agent, a session and a conversation, each optional. Scopes keep
/// tenants apart: a memory is visible to a request only if every part the memory's scope sets is equal in the
/// request's scope. So a memory stored for user <c>alice</c> is visible to <c>alice</c> in any session, a memory
/// stored for <c>alice</c>'s session <c>s1</c> only within <c>s1</c>, and no request for <c>bob</c> ever sees either.
/// A memory with an empty scope is shared with every request.
/// </summary>
/// <param name="UserId">The user, or null.</param>
/// <param name="AgentId">The agent, or null.</param>
/// <param name="SessionId">The session, or null.</param>
/// <param name="ConversationId">The conversation, or null.</param>
/// <remarks>An immutable value; thread-safe.</remarks>
public sealed record MemoryScope(string? UserId = null, string? AgentId = null, string? SessionId = null, string? ConversationId = null)
{
    /// <summary>The empty scope: memories stored with it are shared; requests with it see only shared memories.</summary>
    public static MemoryScope Shared { get; } = new();

    /// <summary>A scope for one user.</summary>
    /// <param name="userId">The user id.</param>
    /// <returns>The scope.</returns>
    /// <exception cref="ArgumentException"><paramref name="userId"/> is null or empty.</exception>
    public static MemoryScope ForUser(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return new(UserId: userId);
    }

    /// <summary>Tells whether a memory stored with this scope is visible to a request made with <paramref name="request"/>.</summary>
    /// <param name="request">The scope of the request.</param>
    /// <returns><see langword="true"/> if every part this scope sets equals the same part of <paramref name="request"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    public bool IsVisibleTo(MemoryScope request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Part(UserId, request.UserId) && Part(AgentId, request.AgentId)
            && Part(SessionId, request.SessionId) && Part(ConversationId, request.ConversationId);

        static bool Part(string? mine, string? theirs) => mine is null || string.Equals(mine, theirs, StringComparison.Ordinal);
    }
}
