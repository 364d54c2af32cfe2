namespace AgentMemory.Conformance;

/// <summary>
/// An implementation under test, as a contract suite sees it: the store, its operations, and a way to move its
/// clock forward. In-process stores pass a fake clock's Advance; a server backend can wait for real time.
/// </summary>
/// <remarks>Owned by one test; not thread-safe to dispose concurrently with use.</remarks>
public sealed class ConformanceSubject : IAsyncDisposable
{
    private readonly Func<ValueTask>? _dispose;

    /// <summary>Creates a subject.</summary>
    /// <param name="store">The store under test.</param>
    /// <param name="operations">The operations of the same store (usually the same object).</param>
    /// <param name="advanceTime">Moves the store's clock forward by the given time, firing any timers that come due.</param>
    /// <param name="dispose">Releases the store, or null when there is nothing to release.</param>
    public ConformanceSubject(IMemoryStore store, IMemoryOperations operations, Func<TimeSpan, ValueTask> advanceTime, Func<ValueTask>? dispose = null)
    {
        Store = store;
        Operations = operations;
        AdvanceTime = advanceTime;
        _dispose = dispose;
    }

    /// <summary>The store under test.</summary>
    public IMemoryStore Store { get; }

    /// <summary>The operations of the store under test.</summary>
    public IMemoryOperations Operations { get; }

    /// <summary>Moves the store's clock forward.</summary>
    public Func<TimeSpan, ValueTask> AdvanceTime { get; }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dispose?.Invoke() ?? default;
}
