using AgentMemory.Redis.Streaming;
using AgentMemory.Redis.Tests.Infrastructure;
using CsCheck;
using StackExchange.Redis;

namespace AgentMemory.Redis.Tests.Streaming;

/// <summary>Locating a replay start in the Redis stream, against a linear scan, for random layouts of entries over milliseconds.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisChangeLogTests(RedisServerFixture fixture)
{
    [SkippableFact]
    public async Task FindFirst_AgreesWithALinearScan()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(fixture.Server.ConnectionString);
        var db = connection.GetDatabase();

        // Entries per millisecond (0 to 4, so several share one and some milliseconds are empty), and a target sequence.
        var gen = Gen.Int[0, 4].Array[1, 30].SelectMany(counts => Gen.Int[0, counts.Sum() + 2].Select(target => (counts, target)));
        await gen.SampleAsync(
            async sample =>
            {
                var prefix = RedisServerFixture.UniquePrefix("findfirst");
                var key = RedisChangeRecord.StreamKey(prefix);
                var ids = new List<StreamEntryId>();
                long seq = 0;
                for (var ms = 0; ms < sample.counts.Length; ms++)
                {
                    for (var i = 0; i < sample.counts[ms]; i++)
                    {
                        var id = new StreamEntryId((ulong)(1000 + ms), (ulong)i);
                        seq++;
                        await db.StreamAddAsync(key, RedisChangeRecord.Encode(seq, "k", MemoryChangeType.Created, DateTimeOffset.UnixEpoch, null, null, null), id.ToString());
                        ids.Add(id);
                    }
                }

                var log = new RedisChangeLog(db, prefix, 1000);
                var found = await log.FindFirstAsync((sequence, _) => sequence >= sample.target);

                StreamEntryId? expected = sample.target <= 1 && ids.Count > 0 ? ids[0] : sample.target <= ids.Count ? ids[sample.target - 1] : null;
                found.Should().Be(expected);
                await db.KeyDeleteAsync(key);
            },
            iter: 40);
    }
}
