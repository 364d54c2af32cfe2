using System.Runtime.CompilerServices;
using AgentMemory.Storage;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.Storage;

public sealed class InMemoryStoreLifetimeTests
{
    [Fact]
    public async Task Dispose_LaterCallsThrowObjectDisposed()
    {
        var h = new StoreHarness();
        await h.Memory.StoreAsync("k", 1);
        h.Dispose();
        h.Dispose();

        var calls = new Func<Task>[]
        {
            async () => await h.Memory.StoreAsync("k", 2),
            async () => await h.Memory.RetrieveAsync<int>("k"),
            async () => await h.Memory.DeleteAsync("k"),
            async () => await h.Memory.ExistsAsync("k"),
            async () => await h.Memory.ListKeysAsync(),
            async () => await h.Memory.ClearAsync(),
            async () => await h.Ops.IncrementAsync("n"),
            async () => await h.Ops.AppendToListAsync("l", [1]),
            async () => await h.Ops.ExecuteBatchAsync([MemoryBatchOperation.Delete("k")]),
        };

        foreach (var call in calls)
        {
            await call.Should().ThrowAsync<ObjectDisposedException>();
        }
    }

    [Fact]
    public void UnreferencedStore_WithFakeTimer_CanBeCollected()
    {
        var time = new FakeTimeProvider(StoreHarness.Epoch);
        var weak = CreateAndForget(time);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        weak.TryGetTarget(out _).Should().BeFalse("the sweep timer must not keep an undisposed store alive");
        var act = () => time.Advance(TimeSpan.FromSeconds(5));
        act.Should().NotThrow("a timer whose store was collected does nothing");
    }

    [Fact]
    public void UnreferencedStore_WithSystemTimer_CanBeCollected()
    {
        var weak = CreateAndForget(TimeProvider.System);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        weak.TryGetTarget(out _).Should().BeFalse("the sweep timer must not keep an undisposed store alive");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference<InMemoryStore> CreateAndForget(TimeProvider time)
    {
        var store = new InMemoryStore(timeProvider: time);
        store.StoreAsync("k", new byte[1024], new MemoryEntryOptions { Ttl = TimeSpan.FromSeconds(1) }).Sync();
        return new WeakReference<InMemoryStore>(store);
    }
}
