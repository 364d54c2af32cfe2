using System.Globalization;
using AgentMemory.Redis.Storage;
using AgentMemory.Redis.Tests.Infrastructure;
using AgentMemory.Storage;
using CsCheck;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace AgentMemory.Redis.Tests.Storage;

/// <summary>
/// Random operation sequences run against the in-process store and the Redis store side by side: every result and
/// every exception class must agree.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisMemoryStoreDifferentialTests(RedisServerFixture fixture)
{
    private static readonly Gen<string> GenKey = Gen.OneOf(Gen.Const("a"), Gen.Const("b"), Gen.Const("c"), Gen.Const("d"));
    private static readonly Gen<string> GenField = Gen.OneOf(Gen.Const("f1"), Gen.Const("f2"), Gen.Const("f3"));
    private static readonly Gen<string> GenText = Gen.OneOf(Gen.Const("x"), Gen.Const("y"), Gen.Const("5"));
    private static readonly Gen<long> GenAmount = Gen.OneOf(
        Gen.Long[-5, 5],
        Gen.Long,
        Gen.Const(long.MaxValue),
        Gen.Const(long.MinValue),
        Gen.Const((long.MaxValue / 2) + 1),
        Gen.Const(-(long.MaxValue / 2)));

    private static readonly Gen<Op> GenOp = Gen.OneOf(
        Gen.Select(GenKey, GenText, Gen.Int[0, 20]).Select(t => (Op)new SetText(t.Item1, t.Item2, t.Item3 == 0 ? null : t.Item3)),
        Gen.Select(GenKey, GenAmount, Gen.Int[0, 20]).Select(t => (Op)new SetLong(t.Item1, t.Item2, t.Item3 == 0 ? null : t.Item3)),
        Gen.Select(GenKey, GenAmount).Select(t => (Op)new Increment(t.Item1, t.Item2)),
        Gen.Select(GenKey, GenAmount).Select(t => (Op)new Decrement(t.Item1, t.Item2)),
        Gen.Select(GenKey, GenText, GenText).Select(t => (Op)new CasText(t.Item1, t.Item2, t.Item3)),
        Gen.Select(GenKey, Gen.Long[-3, 3], Gen.Long[-3, 3]).Select(t => (Op)new CasLong(t.Item1, t.Item2, t.Item3)),
        Gen.Select(GenKey, GenField, GenText).Select(t => (Op)new HashSet(t.Item1, t.Item2, t.Item3)),
        Gen.Select(GenKey, GenField).Select(t => (Op)new HashDelete(t.Item1, t.Item2)),
        Gen.Select(GenKey, GenField).Select(t => (Op)new HashRead(t.Item1, t.Item2)),
        Gen.Select(GenKey, GenText.Array[0, 3]).Select(t => (Op)new Append(t.Item1, t.Item2)),
        Gen.Select(GenKey, Gen.Int[0, 4], Gen.Bool, Gen.Int[0, 4], Gen.Bool).Select(t => (Op)new ListRead(t.Item1, new Range(new Index(t.Item2, t.Item3), new Index(t.Item4, t.Item5)))),
        GenKey.Select(k => (Op)new Get(k)),
        GenKey.Select(k => (Op)new Delete(k)),
        GenKey.Select(k => (Op)new Exists(k)),
        GenKey.Select(k => (Op)new Info(k)),
        Gen.OneOf(Gen.Const("*"), Gen.Const("a*"), Gen.Const("[ab]"), Gen.Const("?")).Select(p => (Op)new ListKeys(p)),
        Gen.Int[1, 15].Select(s => (Op)new Advance(s)));

    [SkippableFact]
    public async Task RandomSequences_AgreeWithTheInProcessStore()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(fixture.Server.ConnectionString);
        await GenOp.Array[1, 40].SampleAsync(
            async ops =>
            {
                var start = RedisStoreSubject.Clock().GetUtcNow();
                var memoryClock = new FakeTimeProvider(start);
                var redisClock = new FakeTimeProvider(start);
                using var memory = new InMemoryStore(timeProvider: memoryClock);
                await using var redis = new RedisMemoryStore(connection, new RedisMemoryOptions { KeyPrefix = RedisServerFixture.UniquePrefix("differential") }, redisClock);
                for (var i = 0; i < ops.Length; i++)
                {
                    if (ops[i] is Advance advance)
                    {
                        memoryClock.Advance(TimeSpan.FromSeconds(advance.Seconds));
                        redisClock.Advance(TimeSpan.FromSeconds(advance.Seconds));
                        continue;
                    }

                    var expected = await Outcome(() => ops[i].RunAsync(memory, memory));
                    var actual = await Outcome(() => ops[i].RunAsync(redis, redis));
                    actual.Should().Be(expected, $"operation {i} ({ops[i]}) of [{string.Join(", ", ops.Select(o => o.ToString()))}]");
                }

                var memoryStats = await memory.GetStatisticsAsync();
                var redisStats = await redis.GetStatisticsAsync();
                (redisStats.Hits, redisStats.Misses).Should().Be((memoryStats.Hits, memoryStats.Misses));
                await redis.ClearAsync();
            },
            iter: 150,
            threads: 1);
    }

    private static async Task<string> Outcome(Func<Task<string>> run)
    {
        try
        {
            return await run();
        }
        catch (Exception ex) when (ex is ArgumentException or MemoryException)
        {
            return "throws " + ex.GetType().Name;
        }
    }

    private static string Show<T>(MemoryLookup<T> lookup) => lookup.Found ? $"found {lookup.Value}" : "not found";

    /// <summary>One operation of a sequence, run the same way against either store.</summary>
    private abstract record Op
    {
        public abstract Task<string> RunAsync(IMemoryStore store, IMemoryOperations operations);
    }

    private static MemoryEntryOptions? Ttl(int? seconds) => seconds is { } s ? new MemoryEntryOptions { Ttl = TimeSpan.FromSeconds(s) } : null;

    private sealed record SetText(string Key, string Value, int? TtlSeconds) : Op
    {
        public override async Task<string> RunAsync(IMemoryStore store, IMemoryOperations operations)
        {
            await store.StoreAsync(Key, Value, Ttl(TtlSeconds));
            return "stored";
        }
    }

    private sealed record SetLong(string Key, long Value, int? TtlSeconds) : Op
    {
        public override async Task<string> RunAsync(IMemoryStore store, IMemoryOperations operations)
        {
            await store.StoreAsync(Key, Value, Ttl(TtlSeconds));
            return "stored";
        }
    }

    private sealed record Increment(string Key, long Amount) : Op
    {
        public override async Task<string> RunAsync(IMemoryStore store, IMemoryOperations operations) =>
            (await operations.IncrementAsync(Key, Amount)).ToString(CultureInfo.InvariantCulture);
    }

    private sealed record Decrement(string Key, long Amount) : Op
    {
        public override async Task<string> RunAsync(IMemoryStore store, IMemoryOperations operations) =>
            (await operations.DecrementAsync(Key, Amount)).ToString(CultureInfo.InvariantCulture);
    }

    private sealed record CasText(string Key, string Expected, string New) : Op
    {
        public override async Task<string> RunAsync(IMemoryStore store, IMemoryOperations operations) =>
            (await operations.CompareAndSwapAsync(Key, Expected, New)).ToString();
    }

    private sealed record CasLong(string Key, long Expected, long New) : Op
    {
        public override async Task<string> RunAsync(IMemoryStore store, IMemoryOperations operations) =>
            (await operations.CompareAndSwapAsync(Key, Expected, New)).ToString();
    }

    private sealed record HashSet(string Key, string Field, string Value) : Op
    {
        public override async Task<string> RunAsync(IMemoryStore store, IMemoryOperations operations) =>
            (await operations.SetHashFieldAsync(Key, Field, Value)).ToString();
    }

    private sealed record HashDelete(string Key, string Field) : Op
    {
        public override async Task<string> RunAsync(IMemoryStore store, IMemoryOperations operations) =>
            (await operations.DeleteHashFieldAsync(Key, Field)).ToString();
    }

    private sealed record HashRead(string Key, string Field) : Op
    {
        public override async Task<string> RunAsync(IMemoryStore store, IMemoryOperations operations)
        {
            var all = await operations.GetHashAsync<string>(Key);
            var one = await operations.GetHashFieldAsync<string>(Key, Field);
            var length = await operations.GetHashLengthAsync(Key);
            return $"{string.Join(",", all.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))} | {Show(one)} | {length}";
        }
    }

    private sealed record Append(string Key, string[] Values) : Op
    {
        public override async Task<string> RunAsync(IMemoryStore store, IMemoryOperations operations) =>
            (await operations.AppendToListAsync(Key, Values)).ToString(CultureInfo.InvariantCulture);

        public override string ToString() => $"Append({Key}, [{string.Join(",", Values)}])";
    }

    private sealed record ListRead(string Key, Range Range) : Op
    {
        public override async Task<string> RunAsync(IMemoryStore store, IMemoryOperations operations)
        {
            var range = await operations.GetListRangeAsync<string>(Key, Range);
            var length = await operations.GetListLengthAsync(Key);
            return $"{string.Join(",", range)} | {length}";
        }
    }

    private sealed record Get(string Key) : Op
    {
        public override async Task<string> RunAsync(IMemoryStore store, IMemoryOperations operations)
        {
            var raw = await store.RetrieveRawAsync(Key);
            return raw is null ? "absent" : Convert.ToHexString(raw.Value.Span);
        }
    }

    private sealed record Delete(string Key) : Op
    {
        public override async Task<string> RunAsync(IMemoryStore store, IMemoryOperations operations) =>
            (await store.DeleteAsync(Key)).ToString();
    }

    private sealed record Exists(string Key) : Op
    {
        public override async Task<string> RunAsync(IMemoryStore store, IMemoryOperations operations) =>
            (await store.ExistsAsync(Key)).ToString();
    }

    private sealed record Info(string Key) : Op
    {
        public override async Task<string> RunAsync(IMemoryStore store, IMemoryOperations operations)
        {
            var info = await store.GetEntryInfoAsync(Key);
            return info is null ? "absent" : $"{info.Kind} {info.Length} {info.Priority} {info.CreatedAt:O} {info.UpdatedAt:O} {info.ExpiresAt:O}";
        }
    }

    private sealed record ListKeys(string Pattern) : Op
    {
        public override async Task<string> RunAsync(IMemoryStore store, IMemoryOperations operations) =>
            string.Join(",", await store.ListKeysAsync(Pattern));
    }

    private sealed record Advance(int Seconds) : Op
    {
        public override Task<string> RunAsync(IMemoryStore store, IMemoryOperations operations) => throw new NotSupportedException();
    }
}
