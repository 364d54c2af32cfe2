using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using AgentMemory.Serialization;
using AgentMemory.Storage;
using CsCheck;

namespace AgentMemory.Tests.Storage;

/// <summary>
/// Property tests: random operation sequences against a Dictionary-based model, and linearizability of the
/// atomic operations under parallel execution.
/// </summary>
public sealed class InMemoryStoreModelTests
{
    private static readonly string[] Keys = ["a", "b", "c"];
    private static readonly string[] Fields = ["x", "y"];
    private static readonly IMemorySerializer Serializer = MessagePackMemorySerializer.Default;

    private static readonly Gen<string> GenKey = Gen.OneOf(Keys);
    private static readonly Gen<string> GenField = Gen.OneOf(Fields);
    private static readonly Gen<string> GenText = Gen.OneOf("", "s", "tt", "long text value");

    [Fact]
    public void Operations_RandomSequences_MatchADictionaryModelAfterEveryStep()
    {
        var storeLong = Gen.Select(GenKey, Gen.Long[-3, 3]).Operation<ActualStore, ModelStore>(
            t => $"Store({t.Item1}, {t.Item2}L)",
            (actual, t) => actual.Run(() => actual.Memory.StoreAsync(t.Item1, t.Item2).Sync()),
            (model, t) => model.Run(() => model.SetValue(t.Item1, Serializer.Serialize(t.Item2))));

        var storeText = Gen.Select(GenKey, GenText).Operation<ActualStore, ModelStore>(
            t => $"Store({t.Item1}, \"{t.Item2}\")",
            (actual, t) => actual.Run(() => actual.Memory.StoreAsync(t.Item1, t.Item2).Sync()),
            (model, t) => model.Run(() => model.SetValue(t.Item1, Serializer.Serialize(t.Item2))));

        var delete = GenKey.Operation<ActualStore, ModelStore>(
            key => $"Delete({key})",
            (actual, key) => actual.Run(() => actual.Memory.DeleteAsync(key).Sync()),
            (model, key) => model.Run(() => model.Entries.Remove(key)));

        var increment = Gen.Select(GenKey, Gen.Long[-5, 5]).Operation<ActualStore, ModelStore>(
            t => $"Increment({t.Item1}, {t.Item2})",
            (actual, t) => actual.Run(() => actual.Ops.IncrementAsync(t.Item1, t.Item2).Sync()),
            (model, t) => model.Run(() => model.Increment(t.Item1, t.Item2)));

        var setField = Gen.Select(GenKey, GenField, GenText).Operation<ActualStore, ModelStore>(
            t => $"SetHashField({t.Item1}, {t.Item2}, \"{t.Item3}\")",
            (actual, t) => actual.Run(() => actual.Ops.SetHashFieldAsync(t.Item1, t.Item2, t.Item3).Sync()),
            (model, t) => model.Run(() => model.SetField(t.Item1, t.Item2, t.Item3)));

        var deleteField = Gen.Select(GenKey, GenField).Operation<ActualStore, ModelStore>(
            t => $"DeleteHashField({t.Item1}, {t.Item2})",
            (actual, t) => actual.Run(() => actual.Ops.DeleteHashFieldAsync(t.Item1, t.Item2).Sync()),
            (model, t) => model.Run(() => model.DeleteField(t.Item1, t.Item2)));

        var append = Gen.Select(GenKey, GenText.Array[0, 3]).Operation<ActualStore, ModelStore>(
            t => $"Append({t.Item1}, [{string.Join(", ", t.Item2.Select(s => $"\"{s}\""))}])",
            (actual, t) => actual.Run(() => actual.Ops.AppendToListAsync(t.Item1, t.Item2).Sync()),
            (model, t) => model.Run(() => model.Append(t.Item1, t.Item2)));

        var retrieve = GenKey.Operation<ActualStore, ModelStore>(
            key => $"Retrieve({key})",
            (actual, key) => actual.Run(() => Describe(actual.Memory.RetrieveRawAsync(key).Sync())),
            (model, key) => model.Run(() => model.Retrieve(key)));

        var exists = GenKey.Operation<ActualStore, ModelStore>(
            key => $"Exists({key})",
            (actual, key) => actual.Run(() => actual.Memory.ExistsAsync(key).Sync()),
            (model, key) => model.Run(() => model.Entries.ContainsKey(key)));

        var hashLength = GenKey.Operation<ActualStore, ModelStore>(
            key => $"HashLength({key})",
            (actual, key) => actual.Run(() => actual.Ops.GetHashLengthAsync(key).Sync()),
            (model, key) => model.Run(() => model.Length(key, MemoryEntryKind.Hash)));

        var listLength = GenKey.Operation<ActualStore, ModelStore>(
            key => $"ListLength({key})",
            (actual, key) => actual.Run(() => actual.Ops.GetListLengthAsync(key).Sync()),
            (model, key) => model.Run(() => model.Length(key, MemoryEntryKind.List)));

        var getField = Gen.Select(GenKey, GenField).Operation<ActualStore, ModelStore>(
            t => $"GetHashField({t.Item1}, {t.Item2})",
            (actual, t) => actual.Run(() =>
            {
                var lookup = actual.Ops.GetHashFieldAsync<string>(t.Item1, t.Item2).Sync();
                return lookup.Found ? "found " + lookup.Value : "not found";
            }),
            (model, t) => model.Run(() => model.GetField(t.Item1, t.Item2)));

        Check.SampleModelBased(
            Gen.Const(() => (new ActualStore(), new ModelStore())),
            [storeLong, storeText, delete, increment, setField, deleteField, append, retrieve, exists, hashLength, listLength, getField],
            equal: (actual, model) => actual.Log.SequenceEqual(model.Log, StringComparer.Ordinal),
            iter: 300,
            printActual: actual => string.Join(Environment.NewLine, actual.Log),
            printModel: model => string.Join(Environment.NewLine, model.Log));
    }

    [Fact]
    public void IncrementAndCompareAndSwap_InParallel_AreLinearizable()
    {
        var initial = Gen.Select(Gen.Long[0, 2], Gen.Bool).Select((start, hasB) =>
        {
            var model = new ParallelModel();
            model.Values["a"] = start;
            if (hasB)
            {
                model.Values["b"] = start + 1;
            }

            return (new ParallelActual(new Dictionary<string, long>(model.Values)), model);
        });

        var increment = Gen.Select(Gen.OneOf("a", "b"), Gen.Long[-2, 3], Gen.Int.Uniform).Operation<ParallelActual, ParallelModel>(
            t => $"Increment({t.Item1}, {t.Item2})#{t.Item3}",
            (actual, t) => actual.Results[t.Item3] = actual.Store.IncrementAsync(t.Item1, t.Item2).Sync().ToString(CultureInfo.InvariantCulture),
            (model, t) =>
            {
                var value = model.Values.GetValueOrDefault(t.Item1) + t.Item2;
                model.Values[t.Item1] = value;
                model.Results[t.Item3] = value.ToString(CultureInfo.InvariantCulture);
            });

        var compareAndSwap = Gen.Select(Gen.OneOf("a", "b"), Gen.Long[0, 3], Gen.Long[0, 3], Gen.Int.Uniform).Operation<ParallelActual, ParallelModel>(
            t => $"CompareAndSwap({t.Item1}, {t.Item2}, {t.Item3})#{t.Item4}",
            (actual, t) => actual.Results[t.Item4] = actual.Store.CompareAndSwapAsync(t.Item1, t.Item2, t.Item3).Sync().ToString(),
            (model, t) =>
            {
                var swapped = model.Values.TryGetValue(t.Item1, out var current) && current == t.Item2;
                if (swapped)
                {
                    model.Values[t.Item1] = t.Item3;
                }

                model.Results[t.Item4] = swapped.ToString();
            });

        var read = Gen.Select(Gen.OneOf("a", "b"), Gen.Int.Uniform).Operation<ParallelActual, ParallelModel>(
            t => $"Read({t.Item1})#{t.Item2}",
            (actual, t) =>
            {
                var lookup = actual.Store.TryRetrieveAsync<long>(t.Item1).Sync();
                actual.Results[t.Item2] = lookup.Found ? lookup.Value.ToString(CultureInfo.InvariantCulture) : "absent";
            },
            (model, t) => model.Results[t.Item2] = model.Values.TryGetValue(t.Item1, out var v) ? v.ToString(CultureInfo.InvariantCulture) : "absent");

        Check.SampleParallel(
            initial,
            [increment, compareAndSwap, read],
            equal: (actual, model) =>
            {
                foreach (var key in new[] { "a", "b" })
                {
                    var lookup = actual.Store.TryRetrieveAsync<long>(key).Sync();
                    var inModel = model.Values.TryGetValue(key, out var expected);
                    if (lookup.Found != inModel || (inModel && lookup.Value != expected))
                    {
                        return false;
                    }
                }

                return actual.Results.Count == model.Results.Count
                    && actual.Results.All(pair => model.Results.TryGetValue(pair.Key, out var result) && result == pair.Value);
            },
            iter: 100,
            printActual: actual => string.Join(", ", actual.Results.OrderBy(p => p.Key).Select(p => $"#{p.Key}={p.Value}")),
            printModel: model => string.Join(", ", model.Results.OrderBy(p => p.Key).Select(p => $"#{p.Key}={p.Value}")));
    }

    private static string Describe(ReadOnlyMemory<byte>? raw) => raw is { } bytes ? Convert.ToHexString(bytes.Span) : "null";

    private static string Outcome(Exception ex) => ex switch
    {
        MemoryTypeMismatchException => "TypeMismatch",
        _ => "Unexpected " + ex.GetType().Name + ": " + ex.Message,
    };

    /// <summary>The store under test, with a log of each operation's result and the whole state after it.</summary>
    internal sealed class ActualStore
    {
        private readonly StoreHarness _harness = new();

        public IMemoryStore Memory => _harness.Memory;

        public IMemoryOperations Ops => _harness.Ops;

        public List<string> Log { get; } = [];

        public void Run<T>(Func<T> operation)
        {
            string result;
            try
            {
                result = Convert.ToString(operation(), CultureInfo.InvariantCulture) ?? "null";
            }
            catch (Exception ex)
            {
                result = Outcome(ex);
            }

            Log.Add(result + " | " + Snapshot());
        }

        public void Run(Action operation) => Run(() =>
        {
            operation();
            return "ok";
        });

        private string Snapshot()
        {
            var text = new StringBuilder();
            foreach (var key in Keys)
            {
                var info = Memory.GetEntryInfoAsync(key).Sync();
                text.Append(key).Append('=');
                switch (info?.Kind)
                {
                    case null:
                        text.Append('-');
                        break;
                    case MemoryEntryKind.Value:
                        text.Append("V:").Append(Describe(Memory.RetrieveRawAsync(key).Sync()));
                        break;
                    case MemoryEntryKind.Hash:
                        text.Append("H:").AppendJoin(',', Ops.GetHashAsync<string>(key).Sync().OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
                        break;
                    default:
                        text.Append("L:").AppendJoin(',', Ops.GetListAsync<string>(key).Sync());
                        break;
                }

                if (info is not null)
                {
                    text.Append(" len=").Append(info.Length).Append(" size=").Append(info.SizeBytes);
                }

                text.Append("; ");
            }

            var stats = _harness.Stats();
            return text.Append("count=").Append(stats.EntryCount).Append(" bytes=").Append(stats.BytesUsed).ToString();
        }
    }

    /// <summary>The model: a plain dictionary of values (serialized bytes), hashes and lists.</summary>
    internal sealed class ModelStore
    {
        public Dictionary<string, ModelEntry> Entries { get; } = new(StringComparer.Ordinal);

        public List<string> Log { get; } = [];

        public void Run<T>(Func<T> operation)
        {
            string result;
            try
            {
                result = Convert.ToString(operation(), CultureInfo.InvariantCulture) ?? "null";
            }
            catch (Exception ex)
            {
                result = Outcome(ex);
            }

            Log.Add(result + " | " + Snapshot());
        }

        public void Run(Action operation) => Run(() =>
        {
            operation();
            return "ok";
        });

        public void SetValue(string key, byte[] bytes) => Entries[key] = new ModelEntry(MemoryEntryKind.Value) { Value = bytes };

        public long Increment(string key, long amount)
        {
            long current = 0;
            if (Entries.TryGetValue(key, out var entry))
            {
                if (entry.Kind != MemoryEntryKind.Value)
                {
                    throw new MemoryTypeMismatchException();
                }

                try
                {
                    current = Serializer.Deserialize<long>(entry.Value);
                }
                catch (MemorySerializationException)
                {
                    throw new MemoryTypeMismatchException();
                }
            }

            var result = current + amount;
            SetValue(key, Serializer.Serialize(result));
            return result;
        }

        public bool SetField(string key, string field, string value)
        {
            if (!Entries.TryGetValue(key, out var entry))
            {
                entry = new ModelEntry(MemoryEntryKind.Hash);
                Entries[key] = entry;
            }
            else if (entry.Kind != MemoryEntryKind.Hash)
            {
                throw new MemoryTypeMismatchException();
            }

            var added = !entry.Hash.ContainsKey(field);
            entry.Hash[field] = value;
            return added;
        }

        public bool DeleteField(string key, string field)
        {
            if (!Entries.TryGetValue(key, out var entry))
            {
                return false;
            }

            if (entry.Kind != MemoryEntryKind.Hash)
            {
                throw new MemoryTypeMismatchException();
            }

            var removed = entry.Hash.Remove(field);
            if (entry.Hash.Count == 0)
            {
                Entries.Remove(key);
            }

            return removed;
        }

        public long Append(string key, string[] values)
        {
            if (Entries.TryGetValue(key, out var entry) && entry.Kind != MemoryEntryKind.List)
            {
                throw new MemoryTypeMismatchException();
            }

            if (values.Length == 0)
            {
                return entry?.List.Count ?? 0;
            }

            if (entry is null)
            {
                entry = new ModelEntry(MemoryEntryKind.List);
                Entries[key] = entry;
            }

            entry.List.AddRange(values);
            return entry.List.Count;
        }

        public string Retrieve(string key)
        {
            if (!Entries.TryGetValue(key, out var entry))
            {
                return "null";
            }

            return entry.Kind == MemoryEntryKind.Value ? Convert.ToHexString(entry.Value) : throw new MemoryTypeMismatchException();
        }

        public long Length(string key, MemoryEntryKind kind)
        {
            if (!Entries.TryGetValue(key, out var entry))
            {
                return 0;
            }

            if (entry.Kind != kind)
            {
                throw new MemoryTypeMismatchException();
            }

            return kind == MemoryEntryKind.Hash ? entry.Hash.Count : entry.List.Count;
        }

        public string GetField(string key, string field)
        {
            if (!Entries.TryGetValue(key, out var entry))
            {
                return "not found";
            }

            if (entry.Kind != MemoryEntryKind.Hash)
            {
                throw new MemoryTypeMismatchException();
            }

            return entry.Hash.TryGetValue(field, out var value) ? "found " + value : "not found";
        }

        private string Snapshot()
        {
            var text = new StringBuilder();
            long count = 0;
            long bytes = 0;
            foreach (var key in Keys)
            {
                text.Append(key).Append('=');
                if (!Entries.TryGetValue(key, out var entry))
                {
                    text.Append("-; ");
                    continue;
                }

                long length;
                long size = 2L * key.Length;
                switch (entry.Kind)
                {
                    case MemoryEntryKind.Value:
                        text.Append("V:").Append(Convert.ToHexString(entry.Value));
                        length = 1;
                        size += entry.Value.Length;
                        break;
                    case MemoryEntryKind.Hash:
                        text.Append("H:").AppendJoin(',', entry.Hash.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
                        length = entry.Hash.Count;
                        size += entry.Hash.Sum(p => (2L * p.Key.Length) + Serializer.Serialize(p.Value).Length);
                        break;
                    default:
                        text.Append("L:").AppendJoin(',', entry.List);
                        length = entry.List.Count;
                        size += entry.List.Sum(item => (long)Serializer.Serialize(item).Length);
                        break;
                }

                text.Append(" len=").Append(length).Append(" size=").Append(size).Append("; ");
                count++;
                bytes += size;
            }

            return text.Append("count=").Append(count).Append(" bytes=").Append(bytes).ToString();
        }
    }

    internal sealed class ModelEntry(MemoryEntryKind kind)
    {
        public MemoryEntryKind Kind { get; } = kind;

        public byte[] Value { get; init; } = [];

        public Dictionary<string, string> Hash { get; } = new(StringComparer.Ordinal);

        public List<string> List { get; } = [];
    }

    /// <summary>
    /// The store under test, created on first use: CsCheck regenerates the initial state for every sequential
    /// permutation it checks but only ever runs operations on one actual store.
    /// </summary>
    internal sealed class ParallelActual(IReadOnlyDictionary<string, long> initial)
    {
        private readonly Lazy<InMemoryStore> _store = new(() =>
        {
            var store = new InMemoryStore(timeProvider: new Microsoft.Extensions.Time.Testing.FakeTimeProvider(StoreHarness.Epoch));
            foreach (var (key, value) in initial)
            {
                store.StoreAsync(key, value).Sync();
            }

            return store;
        });

        public InMemoryStore Store => _store.Value;

        public ConcurrentDictionary<int, string> Results { get; } = new();
    }

    internal sealed class ParallelModel
    {
        public Dictionary<string, long> Values { get; } = new(StringComparer.Ordinal);

        public Dictionary<int, string> Results { get; } = [];
    }
}
