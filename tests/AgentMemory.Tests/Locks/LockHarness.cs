using AgentMemory.Locks;
using AgentMemory.Storage;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.Locks;

/// <summary>A lock provider over an in-process store, both on one fake clock.</summary>
internal sealed class LockHarness : IDisposable
{
    public LockHarness()
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Store = new InMemoryStore(timeProvider: Time);
        Locks = new MemoryStoreLockProvider(Store, Store, timeProvider: Time);
    }

    public FakeTimeProvider Time { get; }

    public InMemoryStore Store { get; }

    public MemoryStoreLockProvider Locks { get; }

    public static LockOptions Options(double leaseSeconds = 30, double? waitSeconds = 0, string? owner = null) => new()
    {
        LeaseTtl = TimeSpan.FromSeconds(leaseSeconds),
        WaitTimeout = waitSeconds is null ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(waitSeconds.Value),
        Owner = owner,
    };

    public MemoryStoreLockProvider Reopen() => new(Store, Store, timeProvider: Time);

    public void Dispose()
    {
        Locks.Dispose();
        Store.Dispose();
    }
}
