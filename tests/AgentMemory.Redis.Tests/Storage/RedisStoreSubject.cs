using AgentMemory.Conformance;
using AgentMemory.Redis.Storage;
using AgentMemory.Redis.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace AgentMemory.Redis.Tests.Storage;

/// <summary>Creates Redis stores on the shared test server, each under its own prefix and on a fake clock started at the real current time.</summary>
internal static class RedisStoreSubject
{
    /// <summary>A fake clock at the real current time (truncated to whole milliseconds), as the backends expect.</summary>
    public static FakeTimeProvider Clock()
    {
        var now = DateTimeOffset.UtcNow;
        return new FakeTimeProvider(new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero));
    }

    public static RedisMemoryOptions Options(RedisServer server, string prefix, bool publishChanges = false) => new()
    {
        ConnectionString = server.ConnectionString,
        KeyPrefix = prefix,
        PublishChanges = publishChanges,
    };

    public static RedisMemoryStore Create(RedisServerFixture fixture, string test, TimeProvider? time = null, bool publishChanges = false) =>
        new(Options(fixture.Server, RedisServerFixture.UniquePrefix(test), publishChanges), time ?? Clock());

    public static ValueTask<ConformanceSubject> CreateAsync(RedisServerFixture fixture, string suite)
    {
        var time = Clock();
        var store = new RedisMemoryStore(Options(fixture.Server, RedisServerFixture.UniquePrefix(suite)), time);
        return new(new ConformanceSubject(
            store,
            store,
            advance =>
            {
                time.Advance(advance);
                return default;
            },
            store.DisposeAsync));
    }

    /// <summary>A direct connection to the test server, for reading what the store wrote.</summary>
    public static Task<ConnectionMultiplexer> ConnectAsync(RedisServer server) => ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
}
