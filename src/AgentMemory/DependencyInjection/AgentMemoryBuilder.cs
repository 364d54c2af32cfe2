namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The default <see cref="IAgentMemoryBuilder"/>.</summary>
internal sealed class AgentMemoryBuilder(IServiceCollection services) : IAgentMemoryBuilder
{
    public IServiceCollection Services { get; } = services;
}
