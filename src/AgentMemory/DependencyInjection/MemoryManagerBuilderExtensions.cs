using AgentMemory;
using AgentMemory.Tiers;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds named memories (<see cref="IMemoryManager"/>) to an AgentMemory registration.</summary>
public static class MemoryManagerBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="IMemoryManager"/> as a singleton <see cref="MemoryManager"/> that keeps persistent
    /// memories under <see cref="MemoryManagerOptions.RootDirectory"/> and confines backups to
    /// <see cref="MemoryManagerOptions.BackupRoot"/>; disposed (flushing every memory) with the service provider.
    /// </summary>
    /// <param name="builder">The builder <c>AddAgentMemory</c> returned.</param>
    /// <param name="configure">Sets the directories; null keeps every memory in process.</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <remarks>A user's own <see cref="IMemoryManager"/> registration wins (TryAdd).</remarks>
    public static IAgentMemoryBuilder AddMemoryManager(this IAgentMemoryBuilder builder, Action<MemoryManagerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<MemoryManagerOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddSingleton<IMemoryManager>(static provider => new MemoryManager(
            provider.GetRequiredService<IOptions<MemoryManagerOptions>>().Value,
            provider.GetRequiredService<TimeProvider>()));
        return builder;
    }
}
