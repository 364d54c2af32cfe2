using AgentMemory;
using AgentMemory.Semantic;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Makes semantic memory learn with a chat model instead of the built-in rules.</summary>
/// <remarks>Call while configuring services, on one thread; not thread-safe.</remarks>
public static class ChatClientMemoryExtractorBuilderExtensions
{
    /// <summary>
    /// Registers a <see cref="ChatClientMemoryExtractor"/> over the registered <see cref="IChatClient"/> as the
    /// <see cref="IMemoryExtractor"/> that <c>LearnFromInteractionAsync</c> uses. Uses TryAdd: an extractor registered
    /// before this call wins. Resolving it fails if no <see cref="IChatClient"/> is registered.
    /// </summary>
    /// <param name="builder">The AgentMemory builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static IAgentMemoryBuilder AddChatClientMemoryExtractor(this IAgentMemoryBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<IMemoryExtractor>(static provider => new ChatClientMemoryExtractor(provider.GetRequiredService<IChatClient>()));
        return builder;
    }
}
