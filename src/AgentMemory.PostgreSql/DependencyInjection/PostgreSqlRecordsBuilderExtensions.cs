using AgentMemory;
using AgentMemory.PostgreSql.Audit;
using AgentMemory.PostgreSql.History;
using AgentMemory.PostgreSql.Records;
using AgentMemory.PostgreSql.Vectors;
using AgentMemory.PostgreSql.Workflows;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the PostgreSQL record stores (workflow events, audit log, flow-run history and task outputs, embeddings) to an AgentMemory registration.</summary>
public static class PostgreSqlRecordsBuilderExtensions
{
    /// <summary>
    /// Registers, on one shared <c>NpgsqlDataSource</c>: <see cref="IWorkflowStateStore"/> as
    /// <see cref="PostgreSqlWorkflowStateStore"/>, <see cref="IAgentHistoryStore"/> as
    /// <see cref="PostgreSqlAgentHistoryStore"/>, <see cref="PostgreSqlEmbeddingStore"/>, and — when
    /// <paramref name="configure"/> sets <see cref="PostgreSqlRecordsOptions.AuditHmacKey"/> — <see cref="IMemoryAuditLog"/>
    /// as <see cref="PostgreSqlAuditLog"/>. Each store creates its tables on first use.
    /// </summary>
    /// <param name="builder">The builder <c>AddAgentMemory</c> returned.</param>
    /// <param name="connectionString">The Npgsql connection string.</param>
    /// <param name="configure">Sets schema, retention, audit key and embedding settings; null for the defaults. It is also run once at registration to see whether an audit key is set.</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is null or blank.</exception>
    /// <remarks>
    /// Every service is added with <c>TryAdd</c>, so a registration made earlier — yours, or the in-process default
    /// of <c>AddAgentCoordination</c> — wins: call this before <c>AddAgentCoordination</c> to put workflows on PostgreSQL.
    /// Options are validated at start (<c>ValidateOnStart</c>) or on first resolution, failing with an
    /// <see cref="OptionsValidationException"/> that names the option. <see cref="TimeProvider"/>,
    /// <see cref="IMemorySerializer"/> and logging come from the container when registered.
    /// </remarks>
    public static IAgentMemoryBuilder AddPostgreSqlRecords(this IAgentMemoryBuilder builder, string connectionString, Action<PostgreSqlRecordsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var services = builder.Services;
        var options = services.AddOptions<PostgreSqlRecordsOptions>().Configure(o => o.ConnectionString = connectionString);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgreSqlRecordsOptions>, PostgreSqlRecordsOptionsValidator>());
        services.TryAddSingleton(static sp => new PostgreSqlRecordsDataSource(Options(sp)));
        services.TryAddSingleton(static sp => new PostgreSqlWorkflowStateStore(DataSource(sp), Options(sp), sp.GetService<IMemorySerializer>(), Time(sp)));
        services.TryAddSingleton<IWorkflowStateStore>(static sp => sp.GetRequiredService<PostgreSqlWorkflowStateStore>());
        services.TryAddSingleton(static sp => new PostgreSqlAgentHistoryStore(DataSource(sp), Options(sp), timeProvider: Time(sp)));
        services.TryAddSingleton<IAgentHistoryStore>(static sp => sp.GetRequiredService<PostgreSqlAgentHistoryStore>());
        services.TryAddSingleton(static sp => new PostgreSqlEmbeddingStore(DataSource(sp), Options(sp), Time(sp), sp.GetService<ILogger<PostgreSqlEmbeddingStore>>()));

        var probe = new PostgreSqlRecordsOptions();
        configure?.Invoke(probe);
        if (probe.AuditHmacKey is not null)
        {
            services.TryAddSingleton(static sp => new PostgreSqlAuditLog(DataSource(sp), Options(sp), Time(sp)));
            services.TryAddSingleton<IMemoryAuditLog>(static sp => sp.GetRequiredService<PostgreSqlAuditLog>());
        }

        return builder;
    }

    private static PostgreSqlRecordsOptions Options(IServiceProvider provider) => provider.GetRequiredService<IOptions<PostgreSqlRecordsOptions>>().Value;

    private static Npgsql.NpgsqlDataSource DataSource(IServiceProvider provider) => provider.GetRequiredService<PostgreSqlRecordsDataSource>().DataSource;

    private static TimeProvider Time(IServiceProvider provider) => provider.GetService<TimeProvider>() ?? TimeProvider.System;
}
