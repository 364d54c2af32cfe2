namespace AgentMemory.Conformance;

/// <summary>
/// A service under test for the protocol suites beyond the store (locks, workflows): the service and a way to move
/// its clock forward. In-process implementations pass a fake clock's Advance; a server backend can wait for real time.
/// </summary>
/// <typeparam name="TService">The protocol interface under test.</typeparam>
/// <remarks>Owned by one test; not thread-safe to dispose concurrently with use.</remarks>
public sealed class ConformanceSubject<TService> : IAsyncDisposable
{
    private readonly Func<ValueTask>? _dispose;

    /// <summary>Creates a subject.</summary>
    /// <param name="service">The implementation under test, over an empty store.</param>
    /// <param name="advanceTime">Moves the implementation's clock forward by the given time, firing any timers that come due.</param>
    /// <param name="dispose">Releases the implementation, or null when there is nothing to release.</param>
    public ConformanceSubject(TService service, Func<TimeSpan, ValueTask> advanceTime, Func<ValueTask>? dispose = null)
    {
        Service = service;
        AdvanceTime = advanceTime;
        _dispose = dispose;
    }

    /// <summary>The implementation under test.</summary>
    public TService Service { get; }

    /// <summary>Moves the implementation's clock forward.</summary>
    public Func<TimeSpan, ValueTask> AdvanceTime { get; }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dispose?.Invoke() ?? default;
}
