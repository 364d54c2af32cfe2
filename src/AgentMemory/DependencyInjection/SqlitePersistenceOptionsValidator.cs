using AgentMemory.Persistence;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Validates <see cref="SqlitePersistenceOptions"/> at start-up.</summary>
internal sealed class SqlitePersistenceOptionsValidator : IValidateOptions<SqlitePersistenceOptions>
{
    public ValidateOptionsResult Validate(string? name, SqlitePersistenceOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
