using AgentMemory.Redis.Connection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentMemory.Redis.DependencyInjection;

/// <summary>Registers the one shared <see cref="RedisConnectionProvider"/> of a container (TryAdd, so every Redis feature shares it).</summary>
internal static class RedisConnectionRegistration
{
    public static void AddSharedConnection(IServiceCollection services)
    {
        services.AddOptions<RedisMemoryOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisMemoryOptions>>(new RedisOptionsValidator<RedisMemoryOptions>(static o => o.Validate())));
        services.TryAddSingleton(static sp => new RedisConnectionProvider(sp.GetRequiredService<IOptions<RedisMemoryOptions>>().Value));
    }

    /// <summary>The shared connection, connecting on first use (at service resolution).</summary>
    public static IConnectionMultiplexer Connection(IServiceProvider services) =>
        services.GetRequiredService<RedisConnectionProvider>().GetConnectionAsync().GetAwaiter().GetResult();
}
