using AgentMemory;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Validates <see cref="AgentCoordinationOptions"/> at start-up, naming every bad option.</summary>
internal sealed class AgentCoordinationOptionsValidator : IValidateOptions<AgentCoordinationOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentCoordinationOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
