using AgentMemory.Security;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

internal sealed class MemorySecurityOptionsValidator : IValidateOptions<MemorySecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, MemorySecurityOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
