using AgentMemory;
using AgentMemory.Redis;
using AgentMemory.Redis.DependencyInjection;
using AgentMemory.Redis.Streaming;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds change streaming over Redis Streams to an AgentMemory registration.</summary>
/// <remarks>Call while configuring services, on one thread; not thread-safe.</remarks>
public static class RedisStreamingBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="IMemoryStreaming"/> as a singleton <see cref="RedisMemoryStreaming"/> on the container's
    /// shared Redis connection, reading the change records of <see cref="RedisMemoryOptions.KeyPrefix"/>. Uses TryAdd, so
    /// a streaming service registered before wins (call it instead of <c>AddMemoryStreaming()</c>).
    /// </summary>
    /// <remarks>
    /// Subscribers see what is written to <c>{prefix}__changes</c>: everything published through
    /// <see cref="IMemoryStreaming.PublishAsync"/> by any process, and the mutations of every Redis store whose
    /// <see cref="RedisMemoryOptions.PublishChanges"/> is on. This method turns it on for the store <c>AddRedis</c>
    /// registers in the same container, with <see cref="RedisStreamingOptions.ChangeLogMaxLength"/> as its trim length.
    /// </remarks>
    /// <param name="builder">The builder returned by <c>AddAgentMemory</c>.</param>
    /// <param name="configure">Configures the log length and reading; null for the defaults.</param>
    /// <returns>The same builder, to chain further parts.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static IAgentMemoryBuilder AddRedisStreaming(this IAgentMemoryBuilder builder, Action<RedisStreamingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<RedisStreamingOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisStreamingOptions>>(new RedisOptionsValidator<RedisStreamingOptions>(static o => o.Validate())));
        services.TryAddSingleton(TimeProvider.System);
        RedisConnectionRegistration.AddSharedConnection(services);

        // A Redis store in the same container publishes its mutations to the stream this service reads, trimmed alike.
        services.AddOptions<RedisMemoryOptions>().Configure<IOptions<RedisStreamingOptions>>(static (store, streaming) =>
        {
            store.PublishChanges = true;
            store.ChangeLogMaxLength = streaming.Value.ChangeLogMaxLength;
        });
        services.TryAddSingleton(static sp => new RedisMemoryStreaming(
            RedisConnectionRegistration.Connection(sp),
            sp.GetRequiredService<IOptions<RedisMemoryOptions>>().Value,
            sp.GetRequiredService<IOptions<RedisStreamingOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger("AgentMemory.Redis.Streaming")));
        services.TryAddSingleton<IMemoryStreaming>(static sp => sp.GetRequiredService<RedisMemoryStreaming>());
        return builder;
    }
}
