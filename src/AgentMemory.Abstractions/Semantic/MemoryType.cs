namespace AgentMemory;

/// <summary>What kind of knowledge a semantic memory holds.</summary>
public enum MemoryType
{
    /// <summary>Something that happened: an event, a conversation turn, an interaction.</summary>
    Episodic = 0,

    /// <summary>A fact about the world or the user ("the user's name is Alice").</summary>
    Semantic = 1,

    /// <summary>A like, dislike or preference ("the user prefers tea").</summary>
    Preference = 2,

    /// <summary>How to do something, or a habit ("the user usually deploys on Fridays").</summary>
    Procedural = 3,

    /// <summary>A feeling or mood the user expressed.</summary>
    Emotional = 4,

    /// <summary>Situational context: the current task, environment or state of a conversation.</summary>
    Contextual = 5,
}
