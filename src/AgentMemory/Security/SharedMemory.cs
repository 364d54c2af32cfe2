namespace AgentMemory.Security;

/// <summary>
/// A named memory shared by a set of agents (seed 003's <c>SharedMemory</c>): the keys under
/// <c>shared:&lt;name&gt;:</c> of a secured store, with access granted per agent through the access-control list.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class SharedMemory
{
    /// <summary>The prefix of every shared memory's keys.</summary>
    public const string KeyPrefix = "shared:";

    /// <summary>The longest shared-memory name accepted.</summary>
    public const int MaxNameLength = 128;

    internal SharedMemory(string name)
    {
        Name = name;
        Prefix = KeyPrefix + name + ":";
        Pattern = Prefix + "*";
    }

    /// <summary>The memory's name.</summary>
    public string Name { get; }

    /// <summary>The prefix of the memory's keys, <c>shared:&lt;name&gt;:</c>.</summary>
    public string Prefix { get; }

    /// <summary>The glob that covers the memory's keys, used in its access rules.</summary>
    public string Pattern { get; }

    /// <summary>The store key of <paramref name="localKey"/> inside this memory.</summary>
    /// <param name="localKey">The key within the shared memory.</param>
    /// <returns><see cref="Prefix"/> followed by <paramref name="localKey"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="localKey"/> is null or empty.</exception>
    public string Key(string localKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(localKey);
        return Prefix + localKey;
    }

    internal static SharedMemory Create(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Length > MaxNameLength)
        {
            throw new ArgumentException($"A shared-memory name may be at most {MaxNameLength} characters; got {name.Length}.", nameof(name));
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                throw new ArgumentException($"A shared-memory name may contain only A-Z, a-z, 0-9, '.', '_' and '-'; '{name}' has '{c}'.", nameof(name));
            }
        }

        return new SharedMemory(name);
    }
}
