namespace AgentMemory.Requests;

/// <summary>Outcomes of requests over time, bounded by count and age, for windowed metrics. Thread-safe (one lock).</summary>
internal sealed class RequestMetricsRecorder
{
    private readonly object _gate = new();
    private readonly Queue<Sample> _samples = new();
    private readonly int _maxSamples;
    private readonly long _retentionTicks;

    public RequestMetricsRecorder(int maxSamples, TimeSpan retention)
    {
        _maxSamples = maxSamples;
        _retentionTicks = retention.Ticks;
    }

    public enum Outcome
    {
        Completed,
        Failed,
        Cancelled,
        Retried,
    }

    public void Record(long atTicks, Outcome outcome, long latencyTicks = 0)
    {
        lock (_gate)
        {
            _samples.Enqueue(new Sample(atTicks, outcome, latencyTicks));
            while (_samples.Count > _maxSamples || (_samples.TryPeek(out var head) && head.AtTicks < atTicks - _retentionTicks))
            {
                _samples.Dequeue();
            }
        }
    }

    public MemoryRequestMetrics Compute(long nowTicks, TimeSpan window, int queued, int running)
    {
        var since = nowTicks - window.Ticks;
        long completed = 0, failed = 0, cancelled = 0, retries = 0;
        var latencies = new List<long>();
        lock (_gate)
        {
            foreach (var sample in _samples)
            {
                if (sample.AtTicks < since)
                {
                    continue;
                }

                switch (sample.Outcome)
                {
                    case Outcome.Completed:
                        completed++;
                        latencies.Add(sample.LatencyTicks);
                        break;
                    case Outcome.Failed:
                        failed++;
                        break;
                    case Outcome.Cancelled:
                        cancelled++;
                        break;
                    default:
                        retries++;
                        break;
                }
            }
        }

        latencies.Sort();
        return new MemoryRequestMetrics
        {
            Window = window,
            Completed = completed,
            Failed = failed,
            Cancelled = cancelled,
            Retries = retries,
            ThroughputPerSecond = completed / window.TotalSeconds,
            LatencyP50 = Percentile(latencies, 0.50),
            LatencyP95 = Percentile(latencies, 0.95),
            LatencyP99 = Percentile(latencies, 0.99),
            Queued = queued,
            Running = running,
        };
    }

    /// <summary>Nearest-rank percentile of sorted values; zero for none.</summary>
    internal static TimeSpan Percentile(List<long> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return TimeSpan.Zero;
        }

        var rank = (int)Math.Ceiling(p * sorted.Count);
        return TimeSpan.FromTicks(sorted[Math.Clamp(rank, 1, sorted.Count) - 1]);
    }

    private readonly record struct Sample(long AtTicks, Outcome Outcome, long LatencyTicks);
}
