using AgentMemory.Requests;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Validates <see cref="MemoryRequestsOptions"/> and <see cref="MemoryResponsesOptions"/> at start-up, naming every bad option.</summary>
internal sealed class MemoryRequestsOptionsValidator : IValidateOptions<MemoryRequestsOptions>, IValidateOptions<MemoryResponsesOptions>
{
    public ValidateOptionsResult Validate(string? name, MemoryRequestsOptions options) => Result(options.Validate());

    public ValidateOptionsResult Validate(string? name, MemoryResponsesOptions options) => Result(options.Validate());

    private static ValidateOptionsResult Result(IReadOnlyList<string> errors) =>
        errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
}
