using AgentMemory;
using AgentMemory.Persistence;
using AgentMemory.Serialization;
using AgentMemory.Storage;
using AgentMemory.Tiers;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the durable tiers (SQLite long-term tier, archive, consolidation) to an AgentMemory registration.</summary>
public static class SqlitePersistenceBuilderExtensions
{
    /// <summary>
    /// Puts a SQLite long-term tier (and, when <see cref="TieredStoreOptions.ArchiveDirectory"/> is set, an
    /// archive) under the hot tier: <see cref="IMemoryStore"/>, <see cref="IMemoryOperations"/> and
    /// <see cref="ITieredMemoryStore"/> then resolve to one <see cref="TieredMemoryStore"/>, opened on first use and
    /// flushed and closed when the service provider is disposed. The hot tier takes its settings from
    /// <see cref="AgentMemoryOptions.HotTier"/>.
    /// </summary>
    /// <param name="builder">The builder <c>AddAgentMemory</c> returned.</param>
    /// <param name="path">The database file; created when missing.</param>
    /// <param name="configure">Sets durability, archive, compression and consolidation options; null for the defaults (write-through, no archive).</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or blank.</exception>
    /// <remarks>
    /// Settings are validated when the host starts (<c>ValidateOnStart</c>) or when the store is first resolved: an
    /// invalid one fails with an <see cref="OptionsValidationException"/> naming it. This replaces the in-process
    /// store registration made by <c>AddAgentMemory</c>; <see cref="InMemoryStore"/> itself is no longer registered,
    /// because writing to the hot tier directly would bypass persistence.
    /// </remarks>
    public static IAgentMemoryBuilder AddSqlitePersistence(this IAgentMemoryBuilder builder, string path, Action<SqlitePersistenceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var services = builder.Services;
        var options = services.AddOptions<SqlitePersistenceOptions>().Configure(o => o.Path = path);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqlitePersistenceOptions>, SqlitePersistenceOptionsValidator>());
        services.TryAddSingleton(static provider => TieredMemoryStore.Open(
            provider.GetRequiredService<IOptions<SqlitePersistenceOptions>>().Value,
            provider.GetRequiredService<IOptions<AgentMemoryOptions>>().Value.HotTier,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<IMemorySerializer>(),
            provider.GetService<ILoggerFactory>()));
        services.RemoveAll<InMemoryStore>();
        services.Replace(ServiceDescriptor.Singleton<IMemoryStore>(static provider => provider.GetRequiredService<TieredMemoryStore>()));
        services.Replace(ServiceDescriptor.Singleton<IMemoryOperations>(static provider => provider.GetRequiredService<TieredMemoryStore>()));
        services.TryAddSingleton<ITieredMemoryStore>(static provider => provider.GetRequiredService<TieredMemoryStore>());
        return builder;
    }
}
