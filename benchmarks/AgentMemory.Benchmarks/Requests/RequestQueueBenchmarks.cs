using System.Threading.Channels;
using AgentMemory.Requests;
using BenchmarkDotNet.Attributes;

namespace AgentMemory.Benchmarks.Requests;

/// <summary>
/// Request queue throughput: queue 1,000 requests of mixed priority, have one worker run a handler that echoes the
/// payload, and wait for every response. The peer is what a user would write instead: an unbounded
/// <see cref="Channel{T}"/> (no priorities, no retries, no status) read by one worker task that completes a
/// <see cref="TaskCompletionSource{T}"/> per item.
/// </summary>
[MemoryDiagnoser]
public class RequestQueueBenchmarks
{
    private const int Batch = 1000;
    private static readonly byte[] Payload = new byte[32];
    private IMemoryRequests _queue = null!;
    private Channel<(byte[] Payload, TaskCompletionSource<ReadOnlyMemory<byte>> Done)> _channel = null!;
    private Task _channelWorker = null!;

    [GlobalSetup]
    public void Setup()
    {
        _queue = MemoryRequestsFactory.CreateQueue(new EchoHandler(), new MemoryRequestsOptions { WorkerCount = 1, MaxFinishedRequests = 2 * Batch });
        _channel = Channel.CreateUnbounded<(byte[], TaskCompletionSource<ReadOnlyMemory<byte>>)>(new UnboundedChannelOptions { SingleReader = true });
        _channelWorker = Task.Run(async () =>
        {
            await foreach (var (payload, done) in _channel.Reader.ReadAllAsync())
            {
                done.SetResult(await new EchoHandler().HandleAsync(new MemoryRequest { Id = "x", Operation = "echo", Payload = payload }, default));
            }
        });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _channel.Writer.Complete();
        _channelWorker.GetAwaiter().GetResult();
        ((IDisposable)_queue).Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public async Task ChannelWorker()
    {
        var pending = new Task<ReadOnlyMemory<byte>>[Batch];
        for (var i = 0; i < Batch; i++)
        {
            var done = new TaskCompletionSource<ReadOnlyMemory<byte>>(TaskCreationOptions.RunContinuationsAsynchronously);
            _channel.Writer.TryWrite((Payload, done));
            pending[i] = done.Task;
        }

        await Task.WhenAll(pending);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task AgentMemoryQueue()
    {
        var pending = new Task<MemoryResponse>[Batch];
        for (var i = 0; i < Batch; i++)
        {
            var id = await _queue.EnqueueAsync("echo", Payload, new MemoryRequestOptions { Priority = (MemoryPriority)(i & 3) });
            pending[i] = _queue.WaitForResponseAsync(id).AsTask();
        }

        await Task.WhenAll(pending);
    }

    private sealed class EchoHandler : IMemoryRequestHandler
    {
        public ValueTask<ReadOnlyMemory<byte>> HandleAsync(MemoryRequest request, CancellationToken cancellationToken) => new(request.Payload);
    }
}
