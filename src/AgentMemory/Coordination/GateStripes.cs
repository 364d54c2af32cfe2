namespace AgentMemory.Coordination;

/// <summary>
/// A fixed set of async gates, one chosen per name by hash, each with a wake-up signal that is completed (and
/// replaced) whenever something in the stripe is released. Waiters capture the signal while holding the gate, so
/// no release between their check and their wait can be missed; names sharing a stripe only cause spurious
/// wake-ups, never missed ones. The set is fixed, so nothing grows with the number of names.
/// </summary>
/// <remarks>Thread-safe.</remarks>
internal sealed class GateStripes : IDisposable
{
    private readonly SemaphoreSlim[] _gates;
    private readonly TaskCompletionSource[] _signals;

    public GateStripes(int count)
    {
        _gates = new SemaphoreSlim[count];
        _signals = new TaskCompletionSource[count];
        for (var i = 0; i < count; i++)
        {
            _gates[i] = new SemaphoreSlim(1, 1);
            _signals[i] = NewSignal();
        }
    }

    public int StripeOf(string name) => (int)((uint)StringComparer.Ordinal.GetHashCode(name) % (uint)_gates.Length);

    public async ValueTask<GateHandle> EnterAsync(string name, CancellationToken cancellationToken)
    {
        var stripe = StripeOf(name);
        await _gates[stripe].WaitAsync(cancellationToken).ConfigureAwait(false);
        return new GateHandle(this, stripe);
    }

    /// <summary>The signal waiters of the stripe wait on; read it while holding the stripe's gate.</summary>
    public Task CurrentSignal(int stripe) => Volatile.Read(ref _signals[stripe]).Task;

    /// <summary>Wakes every waiter of the stripe; call while holding the stripe's gate.</summary>
    public void Signal(int stripe)
    {
        var previous = Interlocked.Exchange(ref _signals[stripe], NewSignal());
        previous.TrySetResult();
    }

    public void Dispose()
    {
        foreach (var gate in _gates)
        {
            gate.Dispose();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Exit(int stripe) => _gates[stripe].Release();

    /// <summary>Holds one stripe's gate until disposed.</summary>
    internal readonly struct GateHandle(GateStripes owner, int stripe) : IDisposable
    {
        public int Stripe { get; } = stripe;

        public void Dispose() => owner.Exit(Stripe);
    }
}
