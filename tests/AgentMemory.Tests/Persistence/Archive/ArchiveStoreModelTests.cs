using System.Buffers.Binary;
using System.Collections.Concurrent;
using AgentMemory.Persistence;
using AgentMemory.Persistence.Archive;
using CsCheck;
using Microsoft.Extensions.Time.Testing;
using static AgentMemory.Tests.Persistence.PersistedEntries;

namespace AgentMemory.Tests.Persistence.Archive;

/// <summary>
/// Property test: random sequences of append, remove, expiry, compaction, reopen and torn writes against a
/// Dictionary model, checking every key and the byte accounting after every step.
/// </summary>
public sealed class ArchiveStoreModelTests : IDisposable
{
    private static readonly string[] UniverseKeys = ["a", "b", "c", "d", "e"];
    private static readonly Gen<string> GenKey = Gen.OneOf(UniverseKeys);

    /// <summary>Expiry as seconds from now: null for never; -1 already expired.</summary>
    private static readonly Gen<int?> GenExpiry = Gen.Frequency((2, Gen.Const((int?)null)), (3, Gen.Int[-1, 6].Select(s => (int?)s)));

    private readonly TempDirectory _root = new();
    private readonly ConcurrentBag<ArchiveActual> _actuals = [];

    [Fact]
    public void Operations_RandomSequences_MatchADictionaryModelAfterEveryStep()
    {
        var append = Gen.Select(GenKey, Gen.Byte.Array[0, 1500], GenExpiry, Gen.Int[0, 100]).Array[1, 3].Operation<ArchiveActual, ArchiveModel>(
            batch => $"Append([{string.Join(", ", batch.Select(t => $"{t.Item1}:{t.Item2.Length}B exp {t.Item3?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "never"} seed {t.Item4}"))}])",
            (actual, batch) => actual.Step(a => { a.Store.Append(Entries(batch, a.Now)); return "ok"; }),
            (model, batch) => model.Step(m =>
            {
                foreach (var entry in Entries(batch, m.Now))
                {
                    m.Indexed[entry.Key] = entry;
                }

                return "ok";
            }));

        var remove = GenKey.Operation<ArchiveActual, ArchiveModel>(
            key => $"Remove({key})",
            (actual, key) => actual.Step(a => a.Store.Remove(key).ToString()),
            (model, key) => model.Step(m => m.Indexed.Remove(key).ToString()));

        var removeExpired = Gen.Const(0).Operation<ArchiveActual, ArchiveModel>(
            _ => "RemoveExpired()",
            (actual, _) => actual.Step(a => a.Store.RemoveExpired(a.Now).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (model, _) => model.Step(m => m.DropExpired().ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var compact = Gen.Const(0).Operation<ArchiveActual, ArchiveModel>(
            _ => "Compact(force)",
            (actual, _) => actual.Step(a =>
            {
                a.Store.Compact(force: true);
                return (a.Store.LiveBytes == a.Store.TotalBytes - (a.Store.SegmentCount * ArchiveFormat.HeaderSize)).ToString();
            }),
            (model, _) => model.Step(m =>
            {
                m.DropExpired();
                return true.ToString();
            }));

        var reopen = Gen.Const(0).Operation<ArchiveActual, ArchiveModel>(
            _ => "Reopen()",
            (actual, _) => actual.Step(a => { a.Reopen(); return "ok"; }),
            (model, _) => model.Step(m => { m.DropExpired(); return "ok"; }));

        var tornWrite = Gen.Byte.Array[0, 40].Operation<ArchiveActual, ArchiveModel>(
            tail => $"TornWriteThenReopen({tail.Length} bytes)",
            (actual, tail) => actual.Step(a => { a.TearAndReopen(tail); return "ok"; }),
            (model, _) => model.Step(m => { m.DropExpired(); return "ok"; }));

        var advance = Gen.Int[1, 3].Operation<ArchiveActual, ArchiveModel>(
            seconds => $"Advance({seconds}s)",
            (actual, seconds) => actual.Step(a => { a.Time.Advance(TimeSpan.FromSeconds(seconds)); return "ok"; }),
            (model, seconds) => model.Step(m => { m.Now += TimeSpan.FromSeconds(seconds).Ticks; return "ok"; }));

        Check.SampleModelBased(
            Gen.Const(() =>
            {
                var actual = new ArchiveActual(_root.File(Guid.NewGuid().ToString("N")));
                _actuals.Add(actual);
                return (actual, new ArchiveModel());
            }),
            [append, append, remove, removeExpired, compact, reopen, tornWrite, advance],
            equal: (actual, model) => actual.Log.SequenceEqual(model.Log, StringComparer.Ordinal),
            iter: 60,
            printActual: actual => string.Join(Environment.NewLine, actual.Log),
            printModel: model => string.Join(Environment.NewLine, model.Log));
    }

    public void Dispose()
    {
        foreach (var actual in _actuals)
        {
            actual.Dispose();
        }

        _root.Dispose();
    }

    private static List<PersistedEntry> Entries((string Key, byte[] Value, int? Expiry, int Seed)[] batch, long now) =>
        batch.Select(t => Create(t.Key, Convert.ToHexString(t.Value), t.Expiry is { } s ? now + TimeSpan.FromSeconds(s).Ticks : PersistedEntry.NoExpiry, t.Seed)).ToList();

    /// <summary>The archive under test; logs each operation's result and the whole visible state after it.</summary>
    internal sealed class ArchiveActual : IDisposable
    {
        private readonly ArchiveOptions _options;

        public ArchiveActual(string directory)
        {
            _options = new ArchiveOptions { Directory = directory, MaxSegmentBytes = ArchiveOptions.MinSegmentBytes };
            Store = ArchiveStore.Open(_options, Time);
        }

        public FakeTimeProvider Time { get; } = new(ArchiveHarness.Epoch);

        public long Now => Time.GetUtcNow().UtcTicks;

        public ArchiveStore Store { get; private set; }

        public List<string> Log { get; } = [];

        public void Step(Func<ArchiveActual, string> operation)
        {
            string result;
            try
            {
                result = operation(this);
            }
            catch (Exception ex)
            {
                result = "Unexpected " + ex.GetType().Name + ": " + ex.Message;
            }

            var files = Directory.GetFiles(_options.Directory, "segment-*.arc").Sum(f => new FileInfo(f).Length);
            Log.Add($"{result} | {State(key => Store.TryGet(key, Now, out var entry) ? entry : null, Store.Keys, Store.Count)} | files match {files == Store.TotalBytes} | live within total {Store.LiveBytes <= Store.TotalBytes}");
        }

        public void Reopen()
        {
            Store.Dispose();
            Store = ArchiveStore.Open(_options, Time);
        }

        /// <summary>Simulates a crash in the middle of a write: a block prefix claiming more bytes than follow.</summary>
        public void TearAndReopen(byte[] tail)
        {
            Store.Dispose();
            var last = Directory.GetFiles(_options.Directory, "segment-*.arc").Order(StringComparer.Ordinal).Last();
            var torn = new byte[8 + tail.Length];
            BinaryPrimitives.WriteUInt32LittleEndian(torn, (uint)tail.Length + 1 + (uint)tail.Length % 7);
            tail.CopyTo(torn.AsSpan(8));
            using (var file = new FileStream(last, FileMode.Append, FileAccess.Write))
            {
                file.Write(torn.AsSpan(0, 4 + (tail.Length % 5) + tail.Length));
            }

            Store = ArchiveStore.Open(_options, Time);
        }

        public void Dispose() => Store.Dispose();
    }

    /// <summary>The model: the index as a dictionary.</summary>
    internal sealed class ArchiveModel
    {
        public Dictionary<string, PersistedEntry> Indexed { get; } = new(StringComparer.Ordinal);

        public long Now { get; set; } = ArchiveHarness.Epoch.UtcTicks;

        public List<string> Log { get; } = [];

        public int DropExpired()
        {
            var expired = Indexed.Where(pair => pair.Value.IsExpiredAt(Now)).Select(pair => pair.Key).ToList();
            expired.ForEach(key => Indexed.Remove(key));
            return expired.Count;
        }

        public void Step(Func<ArchiveModel, string> operation)
        {
            var result = operation(this);
            var live = Indexed.Values.Where(e => !e.IsExpiredAt(Now)).Select(e => e.Key).ToList();
            Log.Add($"{result} | {State(key => Indexed.TryGetValue(key, out var e) && !e.IsExpiredAt(Now) ? e : null, live, Indexed.Count)} | files match True | live within total True");
        }
    }

    private static string State(Func<string, PersistedEntry?> get, IEnumerable<string> keys, long count) =>
        $"count {count}; keys [{string.Join(",", keys.Order(StringComparer.Ordinal))}]; " + string.Join("; ", UniverseKeys.Select(key => $"{key}={Describe(get(key))}"));
}
