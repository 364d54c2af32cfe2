namespace AgentMemory.Redis.Connection;

/// <summary>
/// A broadcast wake-up: waiters take <see cref="Current"/> before they look at Redis, then wait on it; <see cref="Set"/>
/// completes it and installs a fresh one. Because the task is taken before the look, a signal raised after the look is
/// never missed.
/// </summary>
/// <remarks>Thread-safe.</remarks>
internal sealed class AsyncSignal
{
    private TaskCompletionSource _current = NewSource();

    /// <summary>The task the next <see cref="Set"/> completes.</summary>
    public Task Current => Volatile.Read(ref _current).Task;

    /// <summary>Wakes everyone waiting on the current task.</summary>
    public void Set() => Interlocked.Exchange(ref _current, NewSource()).TrySetResult();

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
