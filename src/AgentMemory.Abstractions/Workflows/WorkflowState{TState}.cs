namespace AgentMemory;

/// <summary>A workflow instance's state at one version.</summary>
/// <typeparam name="TState">The state type.</typeparam>
/// <remarks>Immutable; thread-safe when <typeparamref name="TState"/> is.</remarks>
/// <param name="InstanceId">The instance.</param>
/// <param name="Version">The version the state reflects: the number of events applied.</param>
/// <param name="State">The state.</param>
/// <param name="Status">The instance's status now.</param>
public sealed record WorkflowState<TState>(string InstanceId, long Version, TState State, WorkflowStatus Status);
