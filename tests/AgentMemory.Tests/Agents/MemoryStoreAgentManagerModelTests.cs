using CsCheck;

namespace AgentMemory.Tests.Agents;

/// <summary>Random assign/complete sequences against a simple model: a list of tasks per agent whose first MaxConcurrentTasks run.</summary>
public sealed class MemoryStoreAgentManagerModelTests
{
    private static readonly int[] Capacities = [1, 2, 3];

    [Fact]
    public void RandomAssignAndComplete_MatchTheModel()
    {
        var op = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 2], Gen.Int[0, 5], Gen.Bool);
        op.Array[1, 40].Sample(
            ops =>
            {
                using var h = new AgentHarness();
                var model = Capacities.Select(_ => new List<string>()).ToArray();
                var assigned = new long[3];
                var completed = new long[3];
                var failed = new long[3];
                for (var a = 0; a < Capacities.Length; a++)
                {
                    h.RegisterAsync($"agent{a}", Capacities[a]).AsTask().GetAwaiter().GetResult();
                }

                var next = 0;
                foreach (var (kind, agent, pick, ok) in ops)
                {
                    var id = $"agent{agent}";
                    if (kind < 2 || model[agent].Count == 0)
                    {
                        var task = $"t{next++}";
                        h.Manager.AssignTaskAsync(AgentHarness.Task(task), id).AsTask().GetAwaiter().GetResult();
                        model[agent].Add(task);
                        assigned[agent]++;
                    }
                    else
                    {
                        var task = model[agent][pick % model[agent].Count];
                        if (!h.Manager.CompleteTaskAsync(id, task, ok).AsTask().GetAwaiter().GetResult())
                        {
                            return false;
                        }

                        model[agent].Remove(task);
                        (ok ? completed : failed)[agent]++;
                    }

                    for (var a = 0; a < Capacities.Length; a++)
                    {
                        var tasks = h.Manager.GetAgentTasksAsync($"agent{a}").AsTask().GetAwaiter().GetResult();
                        var expected = model[a].Select((t, i) => (t, i < Capacities[a] ? AgentTaskState.Running : AgentTaskState.Queued));
                        if (!tasks.Select(t => (t.Task.Id, t.State)).SequenceEqual(expected))
                        {
                            return false;
                        }

                        var metrics = h.Manager.GetAgentMetricsAsync($"agent{a}").AsTask().GetAwaiter().GetResult()!;
                        if (metrics.TasksAssigned != assigned[a] || metrics.TasksCompleted != completed[a] || metrics.TasksFailed != failed[a])
                        {
                            return false;
                        }

                        var status = h.Manager.GetAgentStatusAsync($"agent{a}").AsTask().GetAwaiter().GetResult();
                        var expectedStatus = model[a].Count == 0 ? AgentStatus.Idle : model[a].Count < Capacities[a] ? AgentStatus.Working : AgentStatus.Saturated;
                        if (status != expectedStatus)
                        {
                            return false;
                        }
                    }
                }

                return true;
            },
            iter: 100);
    }
}
