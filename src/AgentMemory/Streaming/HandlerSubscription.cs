using Microsoft.Extensions.Logging;

namespace AgentMemory.Streaming;

/// <summary>Pumps a subscription into a handler on a background task, one change at a time.</summary>
internal sealed class HandlerSubscription
{
    private static readonly AsyncLocal<HandlerSubscription?> Current = new();

    private readonly ChangeSubscription _subscription;
    private readonly Func<MemoryChange, CancellationToken, ValueTask> _handler;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task _pump = Task.CompletedTask;

    public HandlerSubscription(ChangeSubscription subscription, Func<MemoryChange, CancellationToken, ValueTask> handler, ILogger logger)
    {
        _subscription = subscription;
        _handler = handler;
        _logger = logger;
    }

    public void Start() => _pump = Task.Run(PumpAsync);

    /// <summary>Detaches the subscription, stops the pump and waits for a running handler call (unless called from it).</summary>
    public async ValueTask StopAsync(CancellationToken cancellationToken)
    {
        _subscription.Detach();
        await _stop.CancelAsync().ConfigureAwait(false);
        if (!ReferenceEquals(Current.Value, this))
        {
            await _pump.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PumpAsync()
    {
        Current.Value = this;
        var token = _stop.Token;
        try
        {
            await foreach (var change in _subscription.WithCancellation(token).ConfigureAwait(false))
            {
                try
                {
                    await _handler(change, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    StreamingLog.HandlerFailed(_logger, ex, _subscription.Id, change.Sequence, change.Key);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (MemoryStreamException ex)
        {
            StreamingLog.HandlerSubscriptionFailed(_logger, ex, _subscription.Id);
        }
    }
}
