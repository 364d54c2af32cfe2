using System.Runtime.CompilerServices;
using AgentMemory.Serialization;
using AgentMemory.Streaming;

namespace AgentMemory.Storage;

// The hook of the change feed (Streaming/): each mutation path calls one of these methods while it holds the
// key's stripe lock, so a key's changes enter the feed in the order they happened. With no feed, or a feed with
// neither a change log nor a subscriber, the cost is a field read and a volatile read; nothing is allocated.
public sealed partial class InMemoryStore
{
    private ChangeFeed? _changes;

    /// <summary>The attached change feed, for tests and benchmarks.</summary>
    internal ChangeFeed ChangeFeedForTests => _changes ?? throw new InvalidOperationException("No change feed is attached.");

    /// <summary>The store's clock, which a change log's age bound and timers follow.</summary>
    internal TimeProvider Clock => _time;

    /// <summary>Attaches the store's one change feed.</summary>
    /// <exception cref="InvalidOperationException">A feed is already attached.</exception>
    internal ChangeFeed AttachChangeFeed(MemoryStreamingOptions options, IChangeLogStore? log = null)
    {
        var feed = new ChangeFeed(options, _time, log);
        if (Interlocked.CompareExchange(ref _changes, feed, null) is not null)
        {
            throw new InvalidOperationException("This store already has a change feed; create one streaming service per store and share it.");
        }

        return feed;
    }

    /// <summary>Publishes the change from <paramref name="before"/> to <paramref name="after"/> (either may be null). Caller holds the stripe lock.</summary>
    /// <summary>
    /// Publishes a change the tiered store made without the hot tier (a write straight to the long-term tier, a delete
    /// of a key that lived only below). The caller holds the key's tiered stripe, so the key's changes stay in order.
    /// </summary>
    internal void EmitExternal(string key, Persistence.PersistedEntry? before, Persistence.PersistedEntry? after)
    {
        if (_changes is { IsActive: true } feed && (before is not null || after is not null))
        {
            var type = before is null ? MemoryChangeType.Created : after is null ? MemoryChangeType.Deleted : MemoryChangeType.Updated;
            Publish(feed, key, type, before is null ? null : Persistence.PayloadCodec.ToState(before), after is null ? null : Persistence.PayloadCodec.ToState(after));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EmitLocked(string key, EntryState? before, EntryState? after)
    {
        // Entries the tiered store moves between tiers (promotion, demotion) change no value: nothing to publish.
        if (_changes is { IsActive: true } feed && !t_movingBetweenTiers)
        {
            var type = before is null ? MemoryChangeType.Created : after is null ? MemoryChangeType.Deleted : MemoryChangeType.Updated;
            Publish(feed, key, type, before, after);
        }
    }

    /// <summary>Publishes the removal of <paramref name="state"/> (deleted, expired or evicted). Caller holds the stripe lock.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EmitRemovedLocked(string key, MemoryChangeType type, EntryState state)
    {
        if (_changes is { IsActive: true } feed)
        {
            Publish(feed, key, type, state, null);
        }
    }

    /// <summary>Publishes a read, when the feed reports reads. Called without a lock: reads are not ordered against writes of the key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EmitAccessed(string key, EntryState state)
    {
        if (_changes is { EmitsAccessed: true, IsActive: true } feed)
        {
            Publish(feed, key, MemoryChangeType.Accessed, null, state);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Publish(ChangeFeed feed, string key, MemoryChangeType type, EntryState? before, EntryState? after)
    {
        var metadata = (after ?? before)!.Metadata;
        feed.Publish(
            key,
            type,
            ValueOf(before),
            ValueOf(after),
            metadata is null ? null : MetadataCodec.Decode(metadata).AsReadOnly());
    }

    private static ReadOnlyMemory<byte>? ValueOf(EntryState? state) =>
        state is { Kind: MemoryEntryKind.Value } ? new ReadOnlyMemory<byte>(state.Value) : (ReadOnlyMemory<byte>?)null;
}
