using AgentMemory.Conformance;
using AgentMemory.Storage;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.Conformance;

/// <summary>Creates an in-process store on a fake clock for the contract suites.</summary>
internal static class InMemoryStoreSubject
{
    public static ValueTask<ConformanceSubject> CreateAsync()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var store = new InMemoryStore(timeProvider: time);
        return new(new ConformanceSubject(
            store,
            store,
            advance =>
            {
                time.Advance(advance);
                return default;
            },
            () =>
            {
                store.Dispose();
                return default;
            }));
    }
}
