namespace AgentMemory.PostgreSql.Tests.Infrastructure;

/// <summary>
/// One PostgreSQL cluster shared by the tests of a collection, started once. When PostgreSQL is missing the fixture
/// still constructs; each test that asks for the server is skipped (or, under CI, fails) with the reason. Tests isolate
/// themselves with <see cref="PostgresServer.CreateDatabaseAsync"/> or a unique schema.
/// </summary>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    private PostgresServer? _server;
    private Exception? _failure;

    /// <summary>The running server; throws the skip (or CI failure) when it could not be started.</summary>
    public PostgresServer Server => _server ?? throw _failure ?? new InvalidOperationException("The fixture is not initialized.");

    /// <summary>A schema name no other test uses.</summary>
    public static string UniqueSchema(string hint)
    {
        var name = $"s_{new string(hint.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(20).ToArray())}_{Guid.NewGuid():N}";
        return name.Length <= 63 ? name : name[..63];
    }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        try
        {
            _server = await PostgresServer.StartAsync();
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

/// <summary>The tests that share one <see cref="PostgresServerFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServerFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "postgresql-server";
}
