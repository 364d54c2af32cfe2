using AgentMemory.Storage;
using AgentMemory.Workflows;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace AgentMemory.Benchmarks.Workflows;

/// <summary>
/// Workflows: how long does it take to append 10 000 events one at a time (each with its expected version), and
/// to rebuild the state of a 10 000-event workflow?
/// </summary>
/// <remarks>
/// The peer is what a user does without an event store: a <see cref="List{T}"/> of events in memory, appended to
/// and folded with the same reducer; no persistence, no concurrency check, no snapshots. The store-backed
/// workflow serializes every event into its own store entry and commits a head record per append; the rebuild
/// loads the newest snapshot and replays the events after it (interval 100), or replays all 10 000 without
/// snapshots.
/// </remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class WorkflowEventBenchmarks
{
    private const int Events = 10_000;
    private static readonly WorkflowDefinition<long, int> WithSnapshots = new("bench", static () => 0L, Reduce) { SnapshotInterval = 100 };
    private static readonly WorkflowDefinition<long, int> NoSnapshots = new("bench", static () => 0L, Reduce) { SnapshotInterval = 0 };

    private InMemoryStore _store = null!;
    private MemoryStoreWorkflowStateStore _workflows = null!;
    private List<int> _list = null!;
    private int _instance;

    [GlobalSetup]
    public void Setup()
    {
        _store = new InMemoryStore();
        _workflows = new MemoryStoreWorkflowStateStore(_store, _store);
        _list = new List<int>(Events);
        for (var i = 0; i < Events; i++)
        {
            _list.Add(i);
            _workflows.AppendAsync(WithSnapshots, "snap", [i], i).AsTask().GetAwaiter().GetResult();
            _workflows.AppendAsync(NoSnapshots, "plain", [i], i).AsTask().GetAwaiter().GetResult();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _workflows.Dispose();
        _store.Dispose();
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Append10k")]
    public long List_Append10k()
    {
        var list = new List<int>();
        for (var i = 0; i < Events; i++)
        {
            list.Add(i);
        }

        return list.Count;
    }

    [Benchmark]
    [BenchmarkCategory("Append10k")]
    public async Task<long> Workflow_Append10k()
    {
        var id = "append-" + Interlocked.Increment(ref _instance);
        long version = 0;
        for (var i = 0; i < Events; i++)
        {
            version = (await _workflows.AppendAsync(WithSnapshots, id, [i], version)).Version;
        }

        await _workflows.DeleteAsync(id);
        return version;
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Rebuild10k")]
    public long List_Fold10k() => _list.Aggregate(0L, Reduce);

    [Benchmark]
    [BenchmarkCategory("Rebuild10k")]
    public async Task<long> Workflow_RebuildWithSnapshots() => (await _workflows.GetStateAsync(WithSnapshots, "snap"))!.State;

    [Benchmark]
    [BenchmarkCategory("Rebuild10k")]
    public async Task<long> Workflow_RebuildFullReplay() => (await _workflows.GetStateAsync(NoSnapshots, "plain"))!.State;

    private static long Reduce(long state, int e) => unchecked((state * 31) + e);
}
