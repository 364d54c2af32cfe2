using AgentMemory;
using AgentMemory.Requests;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the prioritized request queue and the response service to an AgentMemory registration.</summary>
/// <remarks>Call while configuring services, on one thread; not thread-safe.</remarks>
public static class RequestsMemoryBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="IMemoryRequests"/> (workers start when it is first resolved; the container stops them
    /// when it is disposed) and <see cref="IMemoryResponses"/> (caching in the registered <see cref="IMemoryStore"/>)
    /// as singletons. The queue calls the <see cref="IMemoryRequestHandler"/> the application registers. Uses TryAdd,
    /// so services registered before win.
    /// </summary>
    /// <param name="builder">The AgentMemory builder.</param>
    /// <param name="configure">Configures workers, retries, aging and metrics; null for the defaults.</param>
    /// <param name="configureResponses">Configures the response cache and codec; null for the defaults.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static IAgentMemoryBuilder AddMemoryRequests(this IAgentMemoryBuilder builder, Action<MemoryRequestsOptions>? configure = null, Action<MemoryResponsesOptions>? configureResponses = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var requestOptions = services.AddOptions<MemoryRequestsOptions>();
        if (configure is not null)
        {
            requestOptions.Configure(configure);
        }

        var responseOptions = services.AddOptions<MemoryResponsesOptions>();
        if (configureResponses is not null)
        {
            responseOptions.Configure(configureResponses);
        }

        requestOptions.ValidateOnStart();
        responseOptions.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MemoryRequestsOptions>, MemoryRequestsOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MemoryResponsesOptions>, MemoryRequestsOptionsValidator>());
        services.TryAddSingleton(static provider => MemoryRequestsFactory.CreateQueue(
            provider.GetService<IMemoryRequestHandler>() ?? throw new InvalidOperationException(
                "AddMemoryRequests needs an IMemoryRequestHandler: register one (services.AddSingleton<IMemoryRequestHandler, MyHandler>()) to do the requests' work."),
            provider.GetRequiredService<IOptions<MemoryRequestsOptions>>().Value,
            provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(static provider => MemoryRequestsFactory.CreateResponses(
            provider.GetRequiredService<IMemoryStore>(),
            provider.GetRequiredService<IOptions<MemoryResponsesOptions>>().Value,
            provider.GetRequiredService<TimeProvider>()));
        return builder;
    }
}
