using StackExchange.Redis;

namespace AgentMemory.Redis.Tests.Infrastructure;

/// <summary>The fixture itself: a real server that answers, and that can be killed and started again on its port.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisServerTests(RedisServerFixture fixture)
{
    [SkippableFact]
    public async Task Server_AnswersAndRestartsOnTheSamePort()
    {
        var server = fixture.Server;
        await using (var connection = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString))
        {
            var db = connection.GetDatabase();
            var key = RedisServerFixture.UniquePrefix(nameof(Server_AnswersAndRestartsOnTheSamePort)) + "k";
            await db.StringSetAsync(key, "v");
            ((string?)await db.StringGetAsync(key)).Should().Be("v");
        }

        await server.StopAsync();
        server.IsRunning.Should().BeFalse();
        await server.StartAgainAsync();
        server.IsRunning.Should().BeTrue();
        await using var again = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        (await again.GetDatabase().PingAsync()).Should().BeGreaterThanOrEqualTo(TimeSpan.Zero);
    }
}
