using AgentMemory.Redis;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Validates <see cref="RedisMemoryOptions"/> at start-up for the Redis store.</summary>
internal sealed class RedisStoreOptionsValidator : IValidateOptions<RedisMemoryOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisMemoryOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
