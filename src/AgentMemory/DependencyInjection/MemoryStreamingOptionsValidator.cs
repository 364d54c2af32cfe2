using AgentMemory.Streaming;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Validates <see cref="MemoryStreamingOptions"/> at start-up, naming every bad option.</summary>
internal sealed class MemoryStreamingOptionsValidator : IValidateOptions<MemoryStreamingOptions>
{
    public ValidateOptionsResult Validate(string? name, MemoryStreamingOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
