namespace AgentMemory.Conformance;

/// <summary>Creates a fresh subject for every test of a protocol suite and disposes it afterwards.</summary>
/// <typeparam name="TService">The protocol interface under test.</typeparam>
public abstract class ConformanceTestBase<TService> : IAsyncLifetime
{
    private ConformanceSubject<TService>? _subject;

    /// <summary>The subject of the current test.</summary>
    protected ConformanceSubject<TService> Subject => _subject ?? throw new InvalidOperationException("The subject is created in InitializeAsync.");

    /// <summary>The implementation under test.</summary>
    protected TService Service => Subject.Service;

    /// <summary>Creates the implementation for one test, over an empty store.</summary>
    /// <returns>The subject.</returns>
    protected abstract ValueTask<ConformanceSubject<TService>> CreateSubjectAsync();

    /// <inheritdoc />
    public async Task InitializeAsync() => _subject = await CreateSubjectAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_subject is not null)
        {
            await _subject.DisposeAsync();
        }
    }
}
