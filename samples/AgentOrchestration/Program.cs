// AgentOrchestration: an orchestrator and two worker agents coordinating through AgentMemory.
// The orchestrator registers a pool, distributes tasks by capability, and tracks the run as an event-sourced
// workflow; each worker heartbeats, picks up its tasks, holds a lock per task, writes its output with the lock's
// fencing token, reports completion and appends to the flow-run history. Everything lives in the memory store.
using AgentMemory;
using Microsoft.Extensions.DependencyInjection;

var services = new ServiceCollection();
services.AddAgentMemory()
        .AddAgentCoordination(o =>
        {
            o.Agents.HeartbeatTtl = TimeSpan.FromSeconds(5);   // an agent silent for 5 s becomes unavailable
            o.Locks.DefaultLeaseTtl = TimeSpan.FromSeconds(10);
        });
await using var provider = services.BuildServiceProvider();

var agents = provider.GetRequiredService<IAgentManager>();
var pools = provider.GetRequiredService<IAgentPool>();
var workflows = provider.GetRequiredService<IWorkflowStateStore>();
var memory = provider.GetRequiredService<IAgentMemory>();

// --- The workers register themselves with their capabilities. ---
await agents.RegisterAgentAsync(new AgentInfo("worker-1", "llm-worker") { Endpoint = "inproc://worker-1", MaxConcurrentTasks = 2 }, ["summarize"]);
await agents.RegisterAgentAsync(new AgentInfo("worker-2", "llm-worker") { Endpoint = "inproc://worker-2", MaxConcurrentTasks = 2 }, ["summarize", "translate"]);

// --- The orchestrator puts them in a pool and distributes the run's tasks. ---
await pools.CreatePoolAsync("llm-pool", new AgentPoolConfig(MinSize: 1, MaxSize: 4, TargetSize: 2));
await pools.AddAgentAsync("llm-pool", "worker-1");
await pools.AddAgentAsync("llm-pool", "worker-2");

const string FlowId = "quarterly-report";
const string RunId = "run-2026-01";
var run = new WorkflowDefinition<RunState, RunEvent>("report-run", () => new RunState(0, 0), RunState.Apply) { SnapshotInterval = 4 };

await memory.SetContextAsync(RunId, new Dictionary<string, string> { ["requested_by"] = "alice", ["quarter"] = "Q4" }, TimeSpan.FromHours(1));
var tasks = new[]
{
    new AgentTask("summarize-sales", "summarize") { RequiredCapabilities = ["summarize"], Data = new Dictionary<string, string> { ["doc"] = "sales.csv" } },
    new AgentTask("summarize-costs", "summarize") { RequiredCapabilities = ["summarize"], Data = new Dictionary<string, string> { ["doc"] = "costs.csv" } },
    new AgentTask("translate-summary", "translate") { RequiredCapabilities = ["translate"], Data = new Dictionary<string, string> { ["to"] = "de" } },
};
var plan = await agents.CoordinateAsync(new CoordinationRequest(tasks, CoordinationStrategy.CapabilityMatch));
long version = 0;
foreach (var assignment in plan.Assignments)
{
    Console.WriteLine($"assigned:   {assignment.Task.Id,-18} -> {assignment.AgentId} ({assignment.State})");
    version = (await workflows.AppendAsync(run, RunId, [new RunEvent("assigned", assignment.Task.Id, assignment.AgentId)], version)).Version;
}

// --- Each worker runs its loop until the orchestrator says stop. ---
using var stop = new CancellationTokenSource();
var workers = new[] { "worker-1", "worker-2" }.Select(id => Task.Run(() => WorkerAsync(id, stop.Token))).ToArray();

// --- The orchestrator waits for the run to finish, recording completions as workflow events. ---
var completed = new HashSet<string>();
while (completed.Count < plan.Assignments.Count)
{
    foreach (var assignment in plan.Assignments)
    {
        if (!completed.Contains(assignment.Task.Id) && await memory.ReadTaskOutputAsync<string>(assignment.Task.Id) is { } output)
        {
            completed.Add(assignment.Task.Id);
            version = (await workflows.AppendAsync(run, RunId, [new RunEvent("completed", assignment.Task.Id, output.Metadata["agent"].AsString())], version)).Version;
        }
    }

    await Task.Delay(20);
}

await stop.CancelAsync();
await Task.WhenAll(workers);
await workflows.FinishAsync(RunId, WorkflowStatus.Completed, retention: TimeSpan.FromDays(1));

// --- Read everything back. ---
var state = await workflows.GetStateAsync(run, RunId);
Console.WriteLine($"workflow:   {state!.Status} at version {state.Version}: {state.State.Assigned} assigned, {state.State.Completed} completed");
foreach (var task in tasks)
{
    var output = await memory.ReadTaskOutputAsync<string>(task.Id);
    Console.WriteLine($"output:     {task.Id,-18} by {output!.Metadata["agent"].AsString()}: {output.Output}");
}

foreach (var entry in await memory.ReadFlowRunsAsync<string>(FlowId, limit: 10))
{
    Console.WriteLine($"history:    #{entry.Sequence} {entry.RunId} {entry.Data}");
}

Console.WriteLine($"events:     {string.Join(" | ", await memory.GetEventsAsync<string>(RunId))}");
foreach (var id in new[] { "worker-1", "worker-2" })
{
    var m = await agents.GetAgentMetricsAsync(id);
    Console.WriteLine($"metrics:    {id}: {m!.TasksAssigned} assigned, {m.TasksCompleted} completed, {m.TasksFailed} failed");
}

var health = await memory.CheckHealthAsync();
Console.WriteLine($"health:     {health.Status} ({string.Join("; ", health.Components.Select(c => $"{c.Component}={c.Status}"))})");
var stats = await memory.GetStatisticsAsync();
Console.WriteLine($"statistics: {stats.Contexts} contexts, {stats.FlowRunRecords} history entries, {stats.TaskOutputs} task outputs, {stats.AliveAgents}/{stats.RegisteredAgents} agents alive");

// A worker: heartbeat, take the running tasks, lock each, write the output fenced by the lock, report completion.
async Task WorkerAsync(string agentId, CancellationToken cancellationToken)
{
    while (!cancellationToken.IsCancellationRequested)
    {
        await agents.HeartbeatAsync(agentId, CancellationToken.None);
        // Tasks are finished once started, so the work below is not cancelled by the stop signal.
        foreach (var assignment in await agents.GetAgentTasksAsync(agentId, CancellationToken.None))
        {
            if (assignment.State != AgentTaskState.Running)
            {
                continue;
            }

            var task = assignment.Task;
            await using var lease = await memory.AcquireLockAsync("task:" + task.Id, new LockOptions { Owner = agentId }, CancellationToken.None);
            var result = task.Type == "translate"
                ? $"translated to {task.Data!["to"]}"
                : $"summary of {task.Data!["doc"]}";
            await memory.WriteTaskOutputAsync(task.Id, result, new TaskOutputOptions
            {
                Metadata = new Dictionary<string, MetadataValue> { ["agent"] = agentId, ["fencing_token"] = lease.FencingToken },
                Fence = lease,   // rejected if this worker stalled past its lease and another took the task over
            }, CancellationToken.None);
            await memory.WriteFlowRunAsync(FlowId, RunId, $"{task.Id} done by {agentId}", CancellationToken.None);
            await memory.AppendEventAsync(RunId, $"{agentId}:{task.Id}", CancellationToken.None);
            await agents.CompleteTaskAsync(agentId, task.Id, succeeded: true, CancellationToken.None);
        }

        try
        {
            await Task.Delay(10, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            break;
        }
    }
}

/// <summary>One event of a report run.</summary>
public sealed record RunEvent(string Kind, string TaskId, string AgentId);

/// <summary>The state of a report run, derived from its events.</summary>
public sealed record RunState(int Assigned, int Completed)
{
    public static RunState Apply(RunState state, RunEvent e) => e.Kind switch
    {
        "assigned" => state with { Assigned = state.Assigned + 1 },
        "completed" => state with { Completed = state.Completed + 1 },
        _ => state,
    };
}
