using Microsoft.Extensions.Options;

namespace AgentMemory.Redis.DependencyInjection;

/// <summary>Validates a Redis options class at start-up through its own <c>Validate()</c>, naming every bad option.</summary>
internal sealed class RedisOptionsValidator<TOptions>(Func<TOptions, IReadOnlyList<string>> validate) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var errors = validate(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
