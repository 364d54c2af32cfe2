namespace AgentMemory;

/// <summary>A piece of key information found in text, ready to be stored as a memory.</summary>
/// <param name="Content">The statement to remember, for example <c>User's name is Alice</c>.</param>
/// <param name="Type">What kind of knowledge it is.</param>
/// <param name="Importance">Suggested importance, from 0 to 1.</param>
/// <param name="Metadata">What was recognized, for example <c>kind = name</c> and <c>value = Alice</c>.</param>
/// <remarks>An immutable value; thread-safe.</remarks>
public sealed record ExtractedMemory(string Content, MemoryType Type, double Importance, IReadOnlyDictionary<string, MetadataValue> Metadata);
