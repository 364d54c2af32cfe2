using Microsoft.Extensions.Logging;

namespace AgentMemory.Redis.Streaming;

/// <summary>Pumps a subscription into a handler on a background task, one change at a time.</summary>
internal sealed class RedisHandlerSubscription(RedisChangeSubscription subscription, Func<MemoryChange, CancellationToken, ValueTask> handler, ILogger logger)
{
    private static readonly AsyncLocal<RedisHandlerSubscription?> Current = new();

    private readonly CancellationTokenSource _stop = new();
    private Task _pump = Task.CompletedTask;

    public void Start() => _pump = Task.Run(PumpAsync);

    /// <summary>Detaches the subscription, stops the pump and waits for a running handler call (unless called from it).</summary>
    public async ValueTask StopAsync(CancellationToken cancellationToken)
    {
        subscription.Detach();
        await _stop.CancelAsync().ConfigureAwait(false);
        if (!ReferenceEquals(Current.Value, this))
        {
            await _pump.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        await subscription.StopPumpAsync().ConfigureAwait(false);
    }

    private async Task PumpAsync()
    {
        Current.Value = this;
        var token = _stop.Token;
        try
        {
            await foreach (var change in subscription.WithCancellation(token).ConfigureAwait(false))
            {
                try
                {
                    await handler(change, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    RedisStreamingLog.HandlerFailed(logger, ex, subscription.Id, change.Sequence, change.Key);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (MemoryStreamException ex)
        {
            RedisStreamingLog.HandlerSubscriptionFailed(logger, ex, subscription.Id);
        }
    }
}
