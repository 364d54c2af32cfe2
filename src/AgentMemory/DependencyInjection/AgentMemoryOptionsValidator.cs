using AgentMemory;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Validates <see cref="AgentMemoryOptions"/> at start-up, naming every bad option.</summary>
internal sealed class AgentMemoryOptionsValidator : IValidateOptions<AgentMemoryOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentMemoryOptions options)
    {
        var errors = options.HotTier.Validate($"{nameof(AgentMemoryOptions)}.{nameof(AgentMemoryOptions.HotTier)}");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
