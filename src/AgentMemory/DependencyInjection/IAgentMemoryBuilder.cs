namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Returned by <see cref="AgentMemoryServiceCollectionExtensions.AddAgentMemory"/> to chain the optional parts of an
/// AgentMemory registration (persistence, security, embeddings, backends) onto the same service collection.
/// </summary>
/// <remarks>Used while configuring services, on one thread; not thread-safe.</remarks>
public interface IAgentMemoryBuilder
{
    /// <summary>The service collection AgentMemory is registered in.</summary>
    IServiceCollection Services { get; }
}
