using System.Collections.Concurrent;

namespace AgentMemory.Tests.Requests;

/// <summary>
/// A request handler whose behaviour tests script: it records the order in which operations start, can hold
/// requests until released, and can fail a number of attempts per operation.
/// </summary>
internal sealed class ScriptedHandler : IMemoryRequestHandler
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new();
    private readonly ConcurrentDictionary<string, int> _failuresLeft = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _started = new();

    public ConcurrentQueue<string> StartOrder { get; } = new();

    /// <summary>Requests with this operation wait until <see cref="Release"/>.</summary>
    public void Hold(string operation) => _gates[operation] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release(string operation) => _gates[operation].TrySetResult();

    /// <summary>The next <paramref name="count"/> attempts of this operation throw.</summary>
    public void Fail(string operation, int count) => _failuresLeft[operation] = count;

    /// <summary>Completes when an attempt of this operation has started.</summary>
    public Task Started(string operation) => _started.GetOrAdd(operation, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public async ValueTask<ReadOnlyMemory<byte>> HandleAsync(MemoryRequest request, CancellationToken cancellationToken)
    {
        StartOrder.Enqueue(request.Operation);
        _started.GetOrAdd(request.Operation, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        if (_gates.TryGetValue(request.Operation, out var gate))
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        if (_failuresLeft.TryGetValue(request.Operation, out var left) && left > 0)
        {
            _failuresLeft[request.Operation] = left - 1;
            throw new InvalidOperationException($"scripted failure of {request.Operation}");
        }

        return request.Payload;
    }
}

internal static class Eventually
{
    /// <summary>Waits (yielding) until a condition holds. The limit only stops a broken test from hanging.</summary>
    public static async Task Until(Func<ValueTask<bool>> condition)
    {
        var giveUp = DateTime.UtcNow.AddMinutes(1);
        while (!await condition())
        {
            DateTime.UtcNow.Should().BeBefore(giveUp, "the condition should come true");
            await Task.Yield();
        }
    }
}
