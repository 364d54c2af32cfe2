using AgentMemory.PostgreSql.Records;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Validates <see cref="PostgreSqlRecordsOptions"/> at start-up, naming each invalid option.</summary>
internal sealed class PostgreSqlRecordsOptionsValidator : IValidateOptions<PostgreSqlRecordsOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgreSqlRecordsOptions options)
    {
        var errors = options.Validate(requireConnectionString: true);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
