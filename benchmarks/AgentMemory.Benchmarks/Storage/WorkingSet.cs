namespace AgentMemory.Benchmarks.Storage;

/// <summary>
/// The data every storage benchmark runs on: 100,000 string keys ("key:000000" .. "key:099999") with a distinct
/// 100-byte value each, and 100,000 keys of the same shape that are never stored ("key:100000" .. "key:199999").
/// </summary>
/// <remarks>
/// Keys and values are allocated, and loaded into a store, in numeric order; benchmarks visit them in
/// <see cref="Keys"/> order, a fixed shuffle, so the access pattern is random with respect to where the stores
/// put their entries in memory (as a real cache's is) and no benchmark pays for building keys.
/// </remarks>
internal sealed class WorkingSet
{
    public const int KeyCount = 100_000;
    public const int ValueSize = 100;
    private const int Seed = 42;

    public WorkingSet()
    {
        var random = new Random(Seed);
        LoadOrderKeys = new string[KeyCount];
        LoadOrderValues = new byte[KeyCount][];
        var missing = new string[KeyCount];
        for (var i = 0; i < KeyCount; i++)
        {
            LoadOrderKeys[i] = $"key:{i:D6}";
            missing[i] = $"key:{i + KeyCount:D6}";
            var value = new byte[ValueSize];
            random.NextBytes(value);
            LoadOrderValues[i] = value;
        }

        var order = Enumerable.Range(0, KeyCount).ToArray();
        random.Shuffle(order);
        Keys = new string[KeyCount];
        Values = new byte[KeyCount][];
        MissingKeys = new string[KeyCount];
        for (var i = 0; i < KeyCount; i++)
        {
            Keys[i] = LoadOrderKeys[order[i]];
            Values[i] = LoadOrderValues[order[i]];
            MissingKeys[i] = missing[order[i]];
        }
    }

    /// <summary>The stored keys in access order (shuffled).</summary>
    public string[] Keys { get; }

    /// <summary>The value of each key in <see cref="Keys"/>, at the same index.</summary>
    public byte[][] Values { get; }

    /// <summary>Keys that are never stored, in access order (shuffled).</summary>
    public string[] MissingKeys { get; }

    /// <summary>The stored keys in the order they are loaded (numeric).</summary>
    public string[] LoadOrderKeys { get; }

    /// <summary>The value of each key in <see cref="LoadOrderKeys"/>, at the same index.</summary>
    public byte[][] LoadOrderValues { get; }

    /// <summary>The index after <paramref name="index"/> in a walk that wraps around the key arrays.</summary>
    public static int Next(int index) => index + 1 == KeyCount ? 0 : index + 1;
}
