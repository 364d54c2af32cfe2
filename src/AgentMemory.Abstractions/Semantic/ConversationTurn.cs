namespace AgentMemory;

/// <summary>One turn of a conversation held in short-term memory.</summary>
/// <param name="Id">The turn's id; usable as a source id of memories learned from it.</param>
/// <param name="Role">Who spoke, for example <c>user</c> or <c>assistant</c>.</param>
/// <param name="Content">What was said.</param>
/// <param name="Timestamp">When it was said.</param>
/// <remarks>An immutable value; thread-safe.</remarks>
public sealed record ConversationTurn(string Id, string Role, string Content, DateTimeOffset Timestamp);
