using System.Numerics;
using System.Runtime.InteropServices;

namespace AgentMemory.Storage;

/// <summary>
/// A counter that many threads can increment without contending on one cache line: each thread adds to one of
/// several padded cells chosen by its managed thread id, and reads sum the cells.
/// </summary>
internal sealed class StripedCounter
{
    private readonly Cell[] _cells;
    private readonly int _mask;

    public StripedCounter()
    {
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(4, Environment.ProcessorCount * 2));
        _cells = new Cell[size];
        _mask = size - 1;
    }

    public void Increment() => Interlocked.Increment(ref _cells[Environment.CurrentManagedThreadId & _mask].Value);

    public long Sum()
    {
        long total = 0;
        for (var i = 0; i < _cells.Length; i++)
        {
            total += Volatile.Read(ref _cells[i].Value);
        }

        return total;
    }

    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct Cell
    {
        [FieldOffset(64)]
        public long Value;
    }
}
