namespace AgentMemory.Redis.Tests.Infrastructure;

/// <summary>
/// One redis-server shared by the tests of a collection, started on first use. When redis-server is missing the
/// fixture still constructs; each test that asks for the server is skipped (or, under CI, fails) with the reason.
/// Tests isolate themselves with a unique key prefix from <see cref="UniquePrefix"/>.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisServer? _server;
    private Exception? _failure;

    /// <summary>The running server; throws the skip (or CI failure) when it could not be started.</summary>
    public RedisServer Server => _server ?? throw _failure ?? new InvalidOperationException("The fixture is not initialized.");

    /// <summary>A key prefix no other test uses.</summary>
    public static string UniquePrefix(string test) => $"t:{test}:{Guid.NewGuid():N}:";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        try
        {
            _server = await RedisServer.StartAsync();
        }
        catch (Exception ex) when (ex is SkipException or InvalidOperationException)
        {
            _failure = ex;
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>The tests that share one <see cref="RedisServerFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServerFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "redis-server";
}
