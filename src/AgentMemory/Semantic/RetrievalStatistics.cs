namespace AgentMemory.Semantic;

/// <summary>Retrieval counters and a ring of recent latencies for percentiles. Thread-safe (one lock; cheap, off the scan).</summary>
internal sealed class RetrievalStatistics(int samples)
{
    private readonly object _gate = new();
    private readonly double[] _latencyMs = new double[samples];
    private long _retrievals;
    private long _results;
    private double _relevanceSum;

    public void Record(TimeSpan latency, IReadOnlyList<MemorySearchResult> results)
    {
        lock (_gate)
        {
            _latencyMs[_retrievals % _latencyMs.Length] = latency.TotalMilliseconds;
            _retrievals++;
            foreach (var result in results)
            {
                _relevanceSum += result.Relevance;
                _results++;
            }
        }
    }

    public (long Retrievals, double AverageRelevance, TimeSpan P50, TimeSpan P95, TimeSpan P99) Snapshot()
    {
        double[] sorted;
        long retrievals;
        double average;
        lock (_gate)
        {
            retrievals = _retrievals;
            average = _results == 0 ? 0 : _relevanceSum / _results;
            sorted = _latencyMs.AsSpan(0, (int)Math.Min(_retrievals, _latencyMs.Length)).ToArray();
        }

        Array.Sort(sorted);
        return (retrievals, average, Percentile(sorted, 0.50), Percentile(sorted, 0.95), Percentile(sorted, 0.99));
    }

    /// <summary>Nearest-rank percentile; zero when there are no samples.</summary>
    private static TimeSpan Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)]);
}
