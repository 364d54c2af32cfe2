using AgentMemory;
using AgentMemory.Redis;
using AgentMemory.Redis.DependencyInjection;
using AgentMemory.Redis.Locks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Redis distributed lock to an AgentMemory registration.</summary>
/// <remarks>Call while configuring services, on one thread; not thread-safe.</remarks>
public static class RedisLocksBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="IDistributedLockProvider"/> as a singleton <see cref="RedisDistributedLockProvider"/> on the
    /// container's shared Redis connection (one multiplexer per container, configured by <see cref="RedisMemoryOptions"/>
    /// through <c>AddRedis(...)</c> or <c>services.Configure&lt;RedisMemoryOptions&gt;(...)</c>). Uses TryAdd, so a
    /// provider registered before wins: call it before <c>AddAgentCoordination()</c>, which registers the in-process
    /// lock otherwise. Options are validated at host start.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddAgentMemory</c>.</param>
    /// <param name="configure">Configures lease and wait defaults; null for the defaults.</param>
    /// <returns>The same builder, to chain further parts.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static IAgentMemoryBuilder AddRedisLocks(this IAgentMemoryBuilder builder, Action<RedisLockOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<RedisLockOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisLockOptions>>(new RedisOptionsValidator<RedisLockOptions>(static o => o.Validate())));
        services.TryAddSingleton(TimeProvider.System);
        RedisConnectionRegistration.AddSharedConnection(services);
        services.TryAddSingleton(static sp => new RedisDistributedLockProvider(
            RedisConnectionRegistration.Connection(sp),
            sp.GetRequiredService<IOptions<RedisMemoryOptions>>().Value,
            sp.GetRequiredService<IOptions<RedisLockOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IDistributedLockProvider>(static sp => sp.GetRequiredService<RedisDistributedLockProvider>());
        return builder;
    }
}
