using AgentMemory;
using AgentMemory.PostgreSql.LongTerm;
using AgentMemory.Serialization;
using AgentMemory.Storage;
using AgentMemory.Tiers;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Puts the long-term tier of an AgentMemory registration on PostgreSQL.</summary>
public static class PostgreSqlPersistenceBuilderExtensions
{
    /// <summary>
    /// Puts a PostgreSQL long-term tier (<see cref="PostgreSqlLongTermStore"/>, and, when
    /// <see cref="AgentMemory.Persistence.TieredStoreOptions.ArchiveDirectory"/> is set, a local archive) under the hot
    /// tier: <see cref="IMemoryStore"/>, <see cref="IMemoryOperations"/> and <see cref="ITieredMemoryStore"/> then resolve
    /// to one <see cref="TieredMemoryStore"/>, opened on first use (running the schema migrations) and flushed and closed
    /// when the service provider is disposed. <see cref="PostgreSqlLongTermStore"/> itself is registered too, for
    /// metadata queries. The hot tier takes its settings from <see cref="AgentMemoryOptions.HotTier"/>.
    /// </summary>
    /// <param name="builder">The builder <c>AddAgentMemory</c> returned.</param>
    /// <param name="connectionString">The Npgsql connection string, e.g. <c>Host=db;Username=app;Password=...;Database=agents</c>.</param>
    /// <param name="configure">Sets the schema, timeouts, durability, archive, compression and consolidation; null for the defaults (schema <c>agentmemory</c>, write-through).</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is null or blank.</exception>
    /// <remarks>
    /// Settings are validated when the host starts (<c>ValidateOnStart</c>) or when the store is first resolved: an
    /// invalid one fails with an <see cref="OptionsValidationException"/> naming it. This replaces the in-process store
    /// registration made by <c>AddAgentMemory</c>, as <c>AddSqlitePersistence</c> does; register one persistence only.
    /// </remarks>
    public static IAgentMemoryBuilder AddPostgreSqlPersistence(this IAgentMemoryBuilder builder, string connectionString, Action<PostgreSqlPersistenceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var services = builder.Services;
        var options = services.AddOptions<PostgreSqlPersistenceOptions>().Configure(o => o.Connection.ConnectionString = connectionString);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgreSqlPersistenceOptions>, PostgreSqlPersistenceOptionsValidator>());
        services.TryAddSingleton(static provider =>
        {
            var settings = provider.GetRequiredService<IOptions<PostgreSqlPersistenceOptions>>().Value;
            return PostgreSqlLongTermStore.Open(settings.Connection, settings.CompressionThreshold);
        });
        services.TryAddSingleton(static provider => TieredMemoryStore.Open(
            provider.GetRequiredService<PostgreSqlLongTermStore>(),
            provider.GetRequiredService<IOptions<PostgreSqlPersistenceOptions>>().Value,
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
