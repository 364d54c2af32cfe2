using AgentMemory;
using AgentMemory.Storage;
using AgentMemory.Streaming;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds change streaming to an AgentMemory registration.</summary>
/// <remarks>Call while configuring services, on one thread; not thread-safe.</remarks>
public static class StreamingMemoryBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="IMemoryStreaming"/> as a singleton over the registered <see cref="InMemoryStore"/>'s
    /// change feed (or, after <c>AddSqlitePersistence</c>, the tiered store's, with the change log kept in the same
    /// database unless <see cref="MemoryStreamingOptions.PersistChangeLog"/> is off). The feed is attached when <see cref="IMemoryStreaming"/> is first resolved: resolve it at
    /// start-up to record every change from the first write. Uses TryAdd, so a service registered before wins.
    /// </summary>
    /// <param name="builder">The AgentMemory builder.</param>
    /// <param name="configure">Configures the change log and read reporting; null for the defaults.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static IAgentMemoryBuilder AddMemoryStreaming(this IAgentMemoryBuilder builder, Action<MemoryStreamingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<MemoryStreamingOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MemoryStreamingOptions>, MemoryStreamingOptionsValidator>());
        builder.Services.TryAddSingleton(static provider =>
        {
            var options = provider.GetRequiredService<IOptions<MemoryStreamingOptions>>().Value;
            var logger = provider.GetService<ILoggerFactory>()?.CreateLogger("AgentMemory.Streaming");
            return provider.GetService<InMemoryStore>() is { } hot
                ? MemoryStreamingFactory.Create(hot, options, logger)
                : MemoryStreamingFactory.Create(provider.GetRequiredService<AgentMemory.Tiers.TieredMemoryStore>(), options, logger);
        });
        return builder;
    }
}
