using AgentMemory.Coordination;

namespace AgentMemory.AgentFramework;

/// <summary>Health checks and statistics.</summary>
public sealed partial class AgentMemoryFacade
{
    /// <inheritdoc />
    public async ValueTask<AgentMemoryHealthReport> CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        var components = new List<ComponentHealth>(4)
        {
            await CheckAsync("store", CheckStoreAsync, cancellationToken).ConfigureAwait(false),
            await CheckAsync("locks", CheckLocksAsync, cancellationToken).ConfigureAwait(false),
        };
        if (_agents is not null)
        {
            components.Add(await CheckAsync("agents", CheckAgentsAsync, cancellationToken).ConfigureAwait(false));
        }

        components.Add(await CheckAsync("embeddings", CheckEmbeddingsAsync, cancellationToken).ConfigureAwait(false));
        var worst = components.Max(c => c.Status);
        return new AgentMemoryHealthReport(worst, components, _time.GetUtcNow());
    }

    /// <inheritdoc />
    public async ValueTask<AgentMemoryStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default)
    {
        var store = await _store.GetStatisticsAsync(cancellationToken).ConfigureAwait(false);
        var contexts = await CountAsync(Key("ctx:", string.Empty), cancellationToken).ConfigureAwait(false);
        var tasks = await CountAsync(Key("task:", string.Empty), cancellationToken).ConfigureAwait(false);
        var flows = await CountAsync(Key("flow:", string.Empty), cancellationToken).ConfigureAwait(false);
        var runs = await CountAsync(Key("flowrun:", string.Empty), cancellationToken).ConfigureAwait(false);

        var embeddings = await _embeddings.CountAsync(cancellationToken).ConfigureAwait(false);
        var registered = 0;
        var alive = 0;
        if (_agents is not null)
        {
            var agents = await _agents.ListAgentsAsync(cancellationToken).ConfigureAwait(false);
            registered = agents.Count;
            alive = agents.Count(a => a.IsAlive);
        }

        return new AgentMemoryStatistics(store, contexts, flows, runs, tasks, embeddings, registered, alive);
    }

    private static async ValueTask<ComponentHealth> CheckAsync(string component, Func<CancellationToken, ValueTask<(MemoryHealthStatus Status, List<string> Reasons)>> check, CancellationToken cancellationToken)
    {
        try
        {
            var (status, reasons) = await check(cancellationToken).ConfigureAwait(false);
            return new ComponentHealth(component, status, reasons);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A failing check is the unhealthy outcome the caller asked about, not an error to propagate.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return new ComponentHealth(component, MemoryHealthStatus.Unhealthy, [$"{ex.GetType().Name}: {ex.Message}"]);
        }
    }

    private async ValueTask<(MemoryHealthStatus, List<string>)> CheckStoreAsync(CancellationToken cancellationToken)
    {
        var probe = Key("health:", "probe");
        var stamp = _time.GetUtcNow().UtcTicks;
        await _store.StoreAsync(probe, stamp, new MemoryEntryOptions { Ttl = TimeSpan.FromMinutes(1) }, cancellationToken).ConfigureAwait(false);
        var read = await _store.TryRetrieveAsync<long>(probe, cancellationToken).ConfigureAwait(false);
        await _store.DeleteAsync(probe, cancellationToken).ConfigureAwait(false);
        if (!read.Found || read.Value != stamp)
        {
            return (MemoryHealthStatus.Unhealthy, ["A probe value written to the store could not be read back."]);
        }

        var stats = await _store.GetStatisticsAsync(cancellationToken).ConfigureAwait(false);
        var reasons = new List<string>();
        if (stats.MaxEntries is { } maxEntries && stats.EntryCount >= maxEntries * _options.CapacityWarningRatio)
        {
            reasons.Add($"The store holds {stats.EntryCount} of at most {maxEntries} entries.");
        }

        if (stats.MaxBytes is { } maxBytes && stats.BytesUsed >= maxBytes * _options.CapacityWarningRatio)
        {
            reasons.Add($"The store uses {stats.BytesUsed} of at most {maxBytes} bytes.");
        }

        if (reasons.Count > 0)
        {
            return (MemoryHealthStatus.Degraded, reasons);
        }

        return (MemoryHealthStatus.Healthy, [$"Write, read and delete succeeded; {stats.EntryCount} entries, {stats.BytesUsed} bytes."]);
    }

    private async ValueTask<(MemoryHealthStatus, List<string>)> CheckLocksAsync(CancellationToken cancellationToken)
    {
        var resource = Key("health:", "lock-probe");
        var lease = await _locks.TryAcquireAsync(resource, new LockOptions { LeaseTtl = TimeSpan.FromSeconds(10), WaitTimeout = TimeSpan.Zero }, cancellationToken).ConfigureAwait(false);
        if (lease is null)
        {
            return (MemoryHealthStatus.Healthy, ["The probe lock is held by a concurrent health check; the provider answered."]);
        }

        await lease.ReleaseAsync(cancellationToken).ConfigureAwait(false);
        return (MemoryHealthStatus.Healthy, ["A probe lock was acquired and released."]);
    }

    private async ValueTask<(MemoryHealthStatus, List<string>)> CheckAgentsAsync(CancellationToken cancellationToken)
    {
        var agents = await _agents!.ListAgentsAsync(cancellationToken).ConfigureAwait(false);
        var silent = agents.Where(a => !a.IsAlive).Select(a => a.Id).ToList();
        if (agents.Count == 0)
        {
            return (MemoryHealthStatus.Healthy, ["No agents are registered."]);
        }

        if (silent.Count == 0)
        {
            return (MemoryHealthStatus.Healthy, [$"All {agents.Count} agents are heartbeating."]);
        }

        var status = silent.Count == agents.Count ? MemoryHealthStatus.Unhealthy : MemoryHealthStatus.Degraded;
        return (status, [$"{silent.Count} of {agents.Count} agents stopped heartbeating: {string.Join(", ", silent)}."]);
    }

    private async ValueTask<(MemoryHealthStatus, List<string>)> CheckEmbeddingsAsync(CancellationToken cancellationToken)
    {
        var count = await _embeddings.CountAsync(cancellationToken).ConfigureAwait(false);
        return (MemoryHealthStatus.Healthy, [$"{count} embeddings in a SIMD flat vector index (exact cosine)."]);
    }

    private async ValueTask<long> CountAsync(string prefix, CancellationToken cancellationToken)
    {
        long count = 0;
        await foreach (var unused in _store.EnumerateKeysAsync(KeyPatterns.StartsWith(prefix), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            count++;
        }

        return count;
    }
}
