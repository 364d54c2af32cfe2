namespace AgentMemory.Benchmarks.Storage;

/// <summary>
/// Runs one piece of work on N threads at once, over and over, without starting threads per run: the calling
/// thread is worker 0 and N - 1 parked threads are the others. A <see cref="Barrier"/> releases them together
/// and <see cref="Run"/> returns when the last one finishes, so a run's wall time is the time the N threads
/// took to do their shares. With one thread nothing is synchronized at all.
/// </summary>
internal sealed class WorkerGang : IDisposable
{
    private readonly Func<int, long> _work;
    private readonly Thread[] _helpers;
    private readonly long[] _results;
    private readonly Barrier? _barrier;
    private volatile bool _stopping;

    /// <param name="threads">How many threads run the work, the caller included.</param>
    /// <param name="work">The work; its argument is the worker's index (0 .. threads - 1), its result is summed.</param>
    public WorkerGang(int threads, Func<int, long> work)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _work = work;
        _results = new long[threads];
        _helpers = new Thread[threads - 1];
        if (threads > 1)
        {
            _barrier = new Barrier(threads);
        }

        for (var i = 0; i < _helpers.Length; i++)
        {
            var index = i + 1;
            _helpers[i] = new Thread(() => HelperLoop(index)) { IsBackground = true, Name = $"Benchmark worker {index}" };
            _helpers[i].Start();
        }
    }

    /// <summary>Runs the work once on every thread and returns the sum of the results.</summary>
    public long Run()
    {
        if (_barrier is null)
        {
            return _work(0);
        }

        _barrier.SignalAndWait();
        _results[0] = _work(0);
        _barrier.SignalAndWait();
        long sum = 0;
        foreach (var result in _results)
        {
            sum += result;
        }

        return sum;
    }

    public void Dispose()
    {
        if (_barrier is null || _stopping)
        {
            return;
        }

        _stopping = true;
        _barrier.SignalAndWait();
        foreach (var helper in _helpers)
        {
            helper.Join();
        }

        _barrier.Dispose();
    }

    private void HelperLoop(int index)
    {
        while (true)
        {
            _barrier!.SignalAndWait();
            if (_stopping)
            {
                return;
            }

            _results[index] = _work(index);
            _barrier.SignalAndWait();
        }
    }
}
