using AgentMemory.Semantic;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Validates <see cref="HierarchicalMemoryOptions"/> at start-up, naming every bad option.</summary>
internal sealed class HierarchicalMemoryOptionsValidator : IValidateOptions<HierarchicalMemoryOptions>
{
    public ValidateOptionsResult Validate(string? name, HierarchicalMemoryOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
