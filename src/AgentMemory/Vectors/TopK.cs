namespace AgentMemory.Vectors;

/// <summary>
/// The best <c>k</c> candidates seen so far, as a binary min-heap whose root is the worst kept candidate: a new
/// candidate costs one comparison unless it beats the root. Ties on the key go to the ordinally smaller id, so results
/// are deterministic whatever the slot layout or scan partitioning.
/// </summary>
/// <remarks>Not thread-safe; a parallel scan gives each partition its own and merges them.</remarks>
internal sealed class TopK
{
    private readonly float[] _keys;
    private readonly int[] _slots;
    private readonly string?[] _ids;
    private int _count;

    public TopK(int k, string?[] ids)
    {
        _keys = new float[k];
        _slots = new int[k];
        _ids = ids;
    }

    public int Count => _count;

    public int Capacity => _keys.Length;

    public void Offer(float key, int slot)
    {
        if (float.IsNaN(key))
        {
            return;
        }

        if (_count < _keys.Length)
        {
            _keys[_count] = key;
            _slots[_count] = slot;
            SiftUp(_count++);
            return;
        }

        if (!Better(key, slot, _keys[0], _slots[0]))
        {
            return;
        }

        _keys[0] = key;
        _slots[0] = slot;
        SiftDown(0);
    }

    public void MergeInto(TopK other)
    {
        for (var i = 0; i < _count; i++)
        {
            other.Offer(_keys[i], _slots[i]);
        }
    }

    /// <summary>The kept candidates, best first.</summary>
    public (float Key, int Slot)[] ToSortedArray()
    {
        var result = new (float Key, int Slot)[_count];
        for (var i = 0; i < _count; i++)
        {
            result[i] = (_keys[i], _slots[i]);
        }

        Array.Sort(result, (a, b) => Better(a.Key, a.Slot, b.Key, b.Slot) ? -1 : Better(b.Key, b.Slot, a.Key, a.Slot) ? 1 : 0);
        return result;
    }

    private bool Better(float key, int slot, float otherKey, int otherSlot)
    {
        if (key != otherKey)
        {
            return key > otherKey;
        }

        return string.CompareOrdinal(_ids[slot], _ids[otherSlot]) < 0;
    }

    private void SiftUp(int i)
    {
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (!Better(_keys[parent], _slots[parent], _keys[i], _slots[i]))
            {
                break;
            }

            Swap(i, parent);
            i = parent;
        }
    }

    private void SiftDown(int i)
    {
        while (true)
        {
            var left = (2 * i) + 1;
            if (left >= _count)
            {
                return;
            }

            var worst = left;
            var right = left + 1;
            if (right < _count && Better(_keys[left], _slots[left], _keys[right], _slots[right]))
            {
                worst = right;
            }

            if (!Better(_keys[i], _slots[i], _keys[worst], _slots[worst]))
            {
                return;
            }

            Swap(i, worst);
            i = worst;
        }
    }

    private void Swap(int a, int b)
    {
        (_keys[a], _keys[b]) = (_keys[b], _keys[a]);
        (_slots[a], _slots[b]) = (_slots[b], _slots[a]);
    }
}
