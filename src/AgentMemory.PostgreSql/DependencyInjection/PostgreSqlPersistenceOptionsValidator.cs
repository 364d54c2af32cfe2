using AgentMemory.PostgreSql.LongTerm;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Validates <see cref="PostgreSqlPersistenceOptions"/> at start-up.</summary>
internal sealed class PostgreSqlPersistenceOptionsValidator : IValidateOptions<PostgreSqlPersistenceOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgreSqlPersistenceOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
