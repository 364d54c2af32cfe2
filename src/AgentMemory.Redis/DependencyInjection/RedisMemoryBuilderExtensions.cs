using AgentMemory;
using AgentMemory.Redis;
using AgentMemory.Redis.DependencyInjection;
using AgentMemory.Redis.Storage;
using AgentMemory.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Puts an AgentMemory registration on a Redis server.</summary>
/// <remarks>Call while configuring services, on one thread; not thread-safe.</remarks>
public static class RedisMemoryBuilderExtensions
{
    /// <summary>
    /// Makes <see cref="IMemoryStore"/> and <see cref="IMemoryOperations"/> resolve to one <see cref="RedisMemoryStore"/>
    /// (a singleton, created on first use with the registered <see cref="TimeProvider"/>, <see cref="IMemorySerializer"/>
    /// and logger factory), replacing the in-process store <c>AddAgentMemory</c> registered. The store opens its own
    /// connection and closes it when the service provider is disposed.
    /// </summary>
    /// <param name="builder">The builder <c>AddAgentMemory</c> returned.</param>
    /// <param name="configure">Sets the connection string, database, key prefix, timeouts and change publishing.</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is null.</exception>
    /// <remarks>
    /// Settings are validated when the host starts (<c>ValidateOnStart</c>) or when the store is first resolved: an
    /// invalid one fails with an <see cref="OptionsValidationException"/> naming it. <see cref="InMemoryStore"/> itself
    /// is no longer registered, since writes to it would not reach Redis.
    /// </remarks>
    public static IAgentMemoryBuilder AddRedis(this IAgentMemoryBuilder builder, Action<RedisMemoryOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<RedisMemoryOptions>().Configure(configure);
        RedisConnectionRegistration.AddSharedConnection(services);
        services.TryAddSingleton(static provider => new RedisMemoryStore(
            RedisConnectionRegistration.Connection(provider),
            provider.GetRequiredService<IOptions<RedisMemoryOptions>>().Value,
            provider.GetService<TimeProvider>(),
            provider.GetService<IMemorySerializer>(),
            provider.GetService<ILoggerFactory>()));
        services.RemoveAll<InMemoryStore>();
        services.Replace(ServiceDescriptor.Singleton<IMemoryStore>(static provider => provider.GetRequiredService<RedisMemoryStore>()));
        services.Replace(ServiceDescriptor.Singleton<IMemoryOperations>(static provider => provider.GetRequiredService<RedisMemoryStore>()));
        return builder;
    }
}
