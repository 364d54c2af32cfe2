namespace AgentMemory.Agents;

/// <summary>Distributing tasks across agents with a strategy.</summary>
public sealed partial class MemoryStoreAgentManager
{
    /// <inheritdoc />
    public async ValueTask<CoordinationResult> CoordinateAsync(CoordinationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Tasks, nameof(request));
        if (!Enum.IsDefined(request.Strategy))
        {
            throw new ArgumentException($"Coordination strategy {(int)request.Strategy} is not defined.", nameof(request));
        }

        foreach (var task in request.Tasks)
        {
            ValidateTask(task);
        }

        var now = _time.GetUtcNow();
        var allowed = request.Agents is null ? null : new HashSet<string>(request.Agents, StringComparer.Ordinal);
        var candidates = (await ReadAllAsync(cancellationToken).ConfigureAwait(false))
            .Where(r => r.IsAlive(now, _options.HeartbeatTtl) && (allowed is null || allowed.Contains(r.Id)))
            .Select(r => new Candidate(r.Id, r.Capabilities, r.MaxConcurrentTasks, r.Tasks.Count))
            .OrderBy(c => c.Id, StringComparer.Ordinal)
            .ToList();

        var assignments = new List<AgentTaskAssignment>(request.Tasks.Count);
        var unassigned = new List<UnassignedTask>();
        foreach (var task in request.Tasks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var placed = false;
            string? reason = null;
            while (!placed)
            {
                var eligible = candidates.Where(c => task.RequiredCapabilities is null || task.RequiredCapabilities.All(c.Has)).ToList();
                if (eligible.Count == 0)
                {
                    reason ??= task.RequiredCapabilities is { Count: > 0 } required
                        ? $"No live agent among the {candidates.Count} candidates has all of: {string.Join(", ", required)}."
                        : "No live agent is registered among the candidates.";
                    break;
                }

                var chosen = await PickAsync(request.Strategy, task, eligible, cancellationToken).ConfigureAwait(false);
                try
                {
                    assignments.Add(await AssignCoreAsync(TaskRecord.From(task, now), chosen.Id, cancellationToken).ConfigureAwait(false));
                    chosen.Load++;
                    placed = true;
                }
                catch (AgentUnavailableException)
                {
                    // The agent went away or stopped heartbeating since the snapshot: drop it and choose again.
                    candidates.Remove(chosen);
                }
                catch (ArgumentException ex)
                {
                    reason = ex.Message;
                    break;
                }
            }

            if (!placed)
            {
                unassigned.Add(new UnassignedTask(task, reason ?? "No eligible agent could take the task."));
            }
        }

        return new CoordinationResult(request.Strategy, assignments, unassigned);
    }

    private async ValueTask<Candidate> PickAsync(CoordinationStrategy strategy, AgentTask task, List<Candidate> eligible, CancellationToken cancellationToken)
    {
        switch (strategy)
        {
            case CoordinationStrategy.RoundRobin:
                var turn = await _operations.IncrementAsync(_options.KeyPrefix + "round-robin", 1, cancellationToken).ConfigureAwait(false) - 1;
                return eligible[(int)(((turn % eligible.Count) + eligible.Count) % eligible.Count)];
            case CoordinationStrategy.LeastLoaded:
                return eligible.OrderBy(c => c.Utilization).ThenBy(c => c.Id, StringComparer.Ordinal).First();
            default:
                var required = task.RequiredCapabilities?.Count ?? 0;
                return eligible.OrderBy(c => c.Capabilities.Count - required)
                    .ThenBy(c => c.Utilization)
                    .ThenBy(c => c.Id, StringComparer.Ordinal)
                    .First();
        }
    }

    /// <summary>An agent as coordination sees it, with the load it has been given so far.</summary>
    private sealed class Candidate(string id, List<string> capabilities, int maxConcurrent, int load)
    {
        public string Id { get; } = id;

        public List<string> Capabilities { get; } = capabilities;

        public int Load { get; set; } = load;

        public double Utilization => (double)Load / maxConcurrent;

        public bool Has(string capability) => Capabilities.Contains(capability, StringComparer.Ordinal);
    }
}
