using StackExchange.Redis;

namespace AgentMemory.Redis.Storage;

// The periodic expiry pass: reclaims entries whose time to live ran out by the store's clock, so the shared counters
// and the change stream see them even if nobody reads them again.
public sealed partial class RedisMemoryStore
{
    /// <summary>Runs one expiry pass now: reclaims up to the configured number of expired entries.</summary>
    /// <returns>How many expired entries were reclaimed.</returns>
    /// <exception cref="MemoryStorageException">The server failed.</exception>
    internal async Task<long> ReclaimExpiredAsync()
    {
        ThrowIfDisposed();
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        RedisValue[] due;
        try
        {
            due = await _database.SortedSetRangeByScoreAsync(_layout.Expiry, double.NegativeInfinity, nowMs + 1, skip: 0, take: _maxExpirationsPerScan).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsServerFailure(ex))
        {
            throw Failure("expiry pass", null, ex);
        }

        return await SweepAsync(due.Select(v => (string)v!).ToList(), clear: false).ConfigureAwait(false);
    }

    private void OnSweepTimer()
    {
        if (_disposed || Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }

        Volatile.Write(ref _sweep, RunSweepAsync());
    }

    private async Task RunSweepAsync()
    {
        try
        {
            await ReclaimExpiredAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MemoryException or ObjectDisposedException)
        {
            RedisStoreLog.SweepFailed(_logger, ex);
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }
}
