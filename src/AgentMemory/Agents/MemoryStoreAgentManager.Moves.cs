namespace AgentMemory.Agents;

/// <summary>Moving a task from one agent to another, for pool rebalancing.</summary>
public sealed partial class MemoryStoreAgentManager
{
    /// <summary>
    /// Moves a task from one agent to another: taken from <paramref name="fromAgent"/> (only while queued, unless
    /// <paramref name="allowRunning"/>), then assigned to <paramref name="toAgent"/>; put back if the target refuses it.
    /// </summary>
    /// <returns>Whether the task now sits on <paramref name="toAgent"/>.</returns>
    internal async ValueTask<bool> MoveTaskAsync(string fromAgent, string taskId, string toAgent, bool allowRunning, CancellationToken cancellationToken)
    {
        TaskRecord? taken = null;
        var position = 0;
        await UpdateAsync(
            fromAgent,
            (record, now) =>
            {
                position = record.Tasks.FindIndex(t => t.Id == taskId && (allowRunning || t.StartedAt is null));
                if (position < 0)
                {
                    return false;
                }

                taken = record.Tasks[position];
                record.Tasks.RemoveAt(position);
                record.Promote(now);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
        if (taken is null)
        {
            return false;
        }

        try
        {
            await AssignCoreAsync(taken, toAgent, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is AgentUnavailableException or ArgumentException)
        {
            await UpdateAsync(
                fromAgent,
                (record, now) =>
                {
                    taken.StartedAt = null;
                    record.Tasks.Insert(Math.Min(position, record.Tasks.Count), taken);
                    record.Promote(now);
                    return true;
                },
                CancellationToken.None).ConfigureAwait(false);
            return false;
        }
    }
}
