namespace AgentMemory;

/// <summary>
/// How a kind of workflow derives its state from its events: an initial state and a reducer, plus how often to
/// snapshot. The reducer must be deterministic and must not change a state object it has already returned
/// (return a new state, or change only the state it was just given).
/// </summary>
/// <typeparam name="TState">The workflow's state.</typeparam>
/// <typeparam name="TEvent">The workflow's events.</typeparam>
/// <remarks>Immutable and thread-safe when the delegates are.</remarks>
public sealed class WorkflowDefinition<TState, TEvent>
{
    private readonly int _snapshotInterval = 100;

    /// <summary>Creates a definition.</summary>
    /// <param name="name">The kind of workflow; an instance is always read with the definition that created it.</param>
    /// <param name="initialState">Creates the state before any event.</param>
    /// <param name="apply">The reducer: the state after one more event.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public WorkflowDefinition(string name, Func<TState> initialState, Func<TState, TEvent, TState> apply)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(initialState);
        ArgumentNullException.ThrowIfNull(apply);
        Name = name;
        InitialState = initialState;
        Apply = apply;
    }

    /// <summary>The kind of workflow.</summary>
    public string Name { get; }

    /// <summary>Creates the state before any event.</summary>
    public Func<TState> InitialState { get; }

    /// <summary>The reducer.</summary>
    public Func<TState, TEvent, TState> Apply { get; }

    /// <summary>
    /// Take a snapshot of the state at every multiple of this many events, so rebuilding the state replays at most
    /// this many events. 0 disables snapshots. Defaults to 100.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int SnapshotInterval
    {
        get => _snapshotInterval;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _snapshotInterval = value;
        }
    }
}
