namespace AgentMemory.Conformance;

/// <summary>Creates a fresh, empty subject for every test and disposes it afterwards.</summary>
public abstract class ConformanceTestBase : IAsyncLifetime
{
    private ConformanceSubject? _subject;

    /// <summary>The subject of the current test.</summary>
    protected ConformanceSubject Subject => _subject ?? throw new InvalidOperationException("The subject is created in InitializeAsync.");

    /// <summary>The store of the current test.</summary>
    protected IMemoryStore Store => Subject.Store;

    /// <summary>The operations of the current test's store.</summary>
    protected IMemoryOperations Operations => Subject.Operations;

    /// <summary>Creates an empty store for one test.</summary>
    /// <returns>The subject.</returns>
    protected abstract ValueTask<ConformanceSubject> CreateSubjectAsync();

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
