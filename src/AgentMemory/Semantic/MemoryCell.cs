namespace AgentMemory.Semantic;

/// <summary>
/// The current version of one memory, shared by reference with both indexes as their per-entry tag: a scan's filter
/// reads the version here instead of looking the id up in a dictionary per candidate. Null once deleted.
/// </summary>
internal sealed class MemoryCell
{
    private volatile StoredMemory? _current;

    public StoredMemory? Current
    {
        get => _current;
        set => _current = value;
    }
}
