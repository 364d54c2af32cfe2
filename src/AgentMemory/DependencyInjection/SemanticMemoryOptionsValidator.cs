using AgentMemory.Semantic;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Validates <see cref="SemanticMemoryOptions"/> at start-up, naming every bad option.</summary>
internal sealed class SemanticMemoryOptionsValidator : IValidateOptions<SemanticMemoryOptions>
{
    public ValidateOptionsResult Validate(string? name, SemanticMemoryOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
