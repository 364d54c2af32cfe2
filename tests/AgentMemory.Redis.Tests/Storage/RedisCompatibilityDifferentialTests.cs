using System.Globalization;
using AgentMemory.Redis.Storage;
using AgentMemory.Redis.Tests.Infrastructure;
using CsCheck;
using StackExchange.Redis;

namespace AgentMemory.Redis.Tests.Storage;

/// <summary>
/// Where the store claims Redis semantics (counters, hash fields, list append and range, existence, deletion, type
/// errors), random sequences run against the store and as raw commands on plain Redis keys must agree, result for
/// result and error class for error class. The deliberate differences are listed in docs/scale-out.md.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisCompatibilityDifferentialTests(RedisServerFixture fixture)
{
    private static readonly Gen<string> GenKey = Gen.OneOf(Gen.Const("a"), Gen.Const("b"), Gen.Const("c"));
    private static readonly Gen<string> GenField = Gen.OneOf(Gen.Const("f1"), Gen.Const("f2"));
    private static readonly Gen<string> GenText = Gen.OneOf(Gen.Const("x"), Gen.Const("yy"));
    private static readonly Gen<long> GenAmount = Gen.OneOf(
        Gen.Long[-5, 5],
        Gen.Long,
        Gen.Const(long.MaxValue),
        Gen.Const(long.MinValue),
        Gen.Const((long.MaxValue / 2) + 1));

    private static readonly Gen<Op> GenOp = Gen.OneOf(
        Gen.Select(GenKey, GenAmount).Select(t => new Op("SETINT", t.Item1, Amount: t.Item2)),
        Gen.Select(GenKey, GenText).Select(t => new Op("SETTEXT", t.Item1, Text: t.Item2)),
        Gen.Select(GenKey, GenAmount).Select(t => new Op("INCRBY", t.Item1, Amount: t.Item2)),
        Gen.Select(GenKey, GenField, GenText).Select(t => new Op("HSET", t.Item1, Field: t.Item2, Text: t.Item3)),
        Gen.Select(GenKey, GenField).Select(t => new Op("HGET", t.Item1, Field: t.Item2)),
        Gen.Select(GenKey, GenField).Select(t => new Op("HDEL", t.Item1, Field: t.Item2)),
        GenKey.Select(k => new Op("HLEN", k)),
        Gen.Select(GenKey, GenText.Array[1, 3]).Select(t => new Op("RPUSH", t.Item1, Items: t.Item2)),
        Gen.Select(GenKey, Gen.Int[-5, 5], Gen.Int[-5, 5]).Select(t => new Op("LRANGE", t.Item1, Start: t.Item2, Stop: t.Item3)),
        GenKey.Select(k => new Op("LLEN", k)),
        GenKey.Select(k => new Op("GET", k)),
        GenKey.Select(k => new Op("EXISTS", k)),
        GenKey.Select(k => new Op("DEL", k)));

    [SkippableFact]
    public async Task RandomSequences_AgreeWithRawRedisCommands()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(fixture.Server.ConnectionString);
        var db = connection.GetDatabase();
        await GenOp.Array[1, 40].SampleAsync(
            async ops =>
            {
                var rawPrefix = RedisServerFixture.UniquePrefix("raw");
                await using var store = new RedisMemoryStore(connection, new RedisMemoryOptions { KeyPrefix = RedisServerFixture.UniquePrefix("compat") }, RedisStoreSubject.Clock());
                for (var i = 0; i < ops.Length; i++)
                {
                    var raw = await RawAsync(db, rawPrefix, ops[i]);
                    var ours = await OursAsync(store, ops[i]);
                    ours.Should().Be(raw, $"operation {i} ({ops[i]}) of [{string.Join(", ", ops.Select(o => o.ToString()))}]");
                }

                await store.ClearAsync();
                await db.KeyDeleteAsync(new[] { "a", "b", "c" }.Select(k => (RedisKey)(rawPrefix + k)).ToArray());
            },
            iter: 150,
            threads: 1);
    }

    private static async Task<string> RawAsync(IDatabase db, string prefix, Op op)
    {
        RedisKey key = prefix + op.Key;
        try
        {
            return op.Command switch
            {
                "SETINT" => await db.StringSetAsync(key, op.Amount) ? "ok" : "?",
                "SETTEXT" => await db.StringSetAsync(key, op.Text) ? "ok" : "?",
                "INCRBY" => Int((long)await db.ExecuteAsync("INCRBY", key, op.Amount)),
                "HSET" => (await db.HashSetAsync(key, op.Field, op.Text)).ToString(),
                "HGET" => Text(await db.HashGetAsync(key, op.Field)),
                "HDEL" => (await db.HashDeleteAsync(key, op.Field)).ToString(),
                "HLEN" => Int(await db.HashLengthAsync(key)),
                "RPUSH" => Int(await db.ListRightPushAsync(key, op.Items!.Select(i => (RedisValue)i).ToArray())),
                "LRANGE" => string.Join(",", (await db.ListRangeAsync(key, op.Start, op.Stop)).Select(v => (string?)v)),
                "LLEN" => Int(await db.ListLengthAsync(key)),
                "GET" => Text(await db.StringGetAsync(key)),
                "EXISTS" => (await db.KeyExistsAsync(key)).ToString(),
                "DEL" => (await db.KeyDeleteAsync(key)).ToString(),
                _ => throw new InvalidOperationException(op.Command),
            };
        }
        catch (RedisServerException ex)
        {
            return ex.Message.Contains("overflow", StringComparison.Ordinal) ? "error overflow"
                : ex.Message.StartsWith("WRONGTYPE", StringComparison.Ordinal) || ex.Message.Contains("not an integer", StringComparison.Ordinal) ? "error type"
                : "error " + ex.Message;
        }
    }

    private static async Task<string> OursAsync(RedisMemoryStore store, Op op)
    {
        try
        {
            return op.Command switch
            {
                "SETINT" => await Done(store.StoreAsync(op.Key, op.Amount)),
                "SETTEXT" => await Done(store.StoreAsync(op.Key, op.Text)),
                "INCRBY" => Int(await store.IncrementAsync(op.Key, op.Amount)),
                "HSET" => (await store.SetHashFieldAsync(op.Key, op.Field!, op.Text)).ToString(),
                "HGET" => (await store.GetHashFieldAsync<string>(op.Key, op.Field!)) is { Found: true } found ? found.Value! : "nil",
                "HDEL" => (await store.DeleteHashFieldAsync(op.Key, op.Field!)).ToString(),
                "HLEN" => Int(await store.GetHashLengthAsync(op.Key)),
                "RPUSH" => Int(await store.AppendToListAsync(op.Key, op.Items!)),
                "LRANGE" => string.Join(",", await store.GetListRangeAsync<string>(op.Key, ToRange(op.Start, op.Stop))),
                "LLEN" => Int(await store.GetListLengthAsync(op.Key)),
                "GET" => await store.RetrieveAsync<object>(op.Key) is { } value ? Convert.ToString(value, CultureInfo.InvariantCulture)! : "nil",
                "EXISTS" => (await store.ExistsAsync(op.Key)).ToString(),
                "DEL" => (await store.DeleteAsync(op.Key)).ToString(),
                _ => throw new InvalidOperationException(op.Command),
            };
        }
        catch (MemoryOverflowException)
        {
            return "error overflow";
        }
        catch (MemoryTypeMismatchException)
        {
            return "error type";
        }
    }

    /// <summary>LRANGE's inclusive, possibly negative start and stop as a C# range.</summary>
    private static Range ToRange(int start, int stop) => new(
        start >= 0 ? new Index(start) : new Index(-start, fromEnd: true),
        stop >= 0 ? new Index(stop + 1) : new Index(-stop - 1, fromEnd: true));

    private static async Task<string> Done(ValueTask task)
    {
        await task;
        return "ok";
    }

    private static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(RedisValue value) => value.IsNull ? "nil" : (string)value!;

    private sealed record Op(string Command, string Key, long Amount = 0, string? Text = null, string? Field = null, string[]? Items = null, int Start = 0, int Stop = 0)
    {
        public override string ToString() => $"{Command} {Key} {Amount} {Text} {Field} {(Items is null ? string.Empty : string.Join("/", Items))} {Start}..{Stop}";
    }
}
