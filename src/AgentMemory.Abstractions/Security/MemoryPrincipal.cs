namespace AgentMemory;

/// <summary>
/// Who is calling: a user, an agent or a service, identified by <see cref="Id"/>, with optional roles (or groups)
/// that access rules can name as <c>role:&lt;name&gt;</c>.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class MemoryPrincipal : IEquatable<MemoryPrincipal>
{
    /// <summary>The longest principal id or role name accepted.</summary>
    public const int MaxIdLength = 256;

    /// <summary>The prefix that marks an access-rule subject as a role instead of a principal id.</summary>
    public const string RolePrefix = "role:";

    /// <summary>Creates a principal.</summary>
    /// <param name="id">The user, agent or service id; not empty, not starting with <c>role:</c>, at most <see cref="MaxIdLength"/> characters.</param>
    /// <param name="roles">Roles or groups the principal belongs to, or null for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> or a role is null.</exception>
    /// <exception cref="ArgumentException">The id or a role is empty, too long, or the id starts with <c>role:</c>.</exception>
    public MemoryPrincipal(string id, IEnumerable<string>? roles = null)
    {
        ValidateName(id, nameof(id));
        if (id.StartsWith(RolePrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"A principal id may not start with '{RolePrefix}', which marks roles in access rules; got '{id}'.", nameof(id));
        }

        Id = id;
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (roles is not null)
        {
            foreach (var role in roles)
            {
                ValidateName(role, nameof(roles));
                set.Add(role);
            }
        }

        Roles = set;
    }

    /// <summary>The principal's id.</summary>
    public string Id { get; }

    /// <summary>The principal's roles or groups.</summary>
    public IReadOnlySet<string> Roles { get; }

    /// <summary>Creates a principal for an agent.</summary>
    /// <param name="agentId">The agent's id.</param>
    /// <param name="roles">Its roles, if any.</param>
    /// <returns>The principal.</returns>
    /// <exception cref="ArgumentException">The id or a role is invalid.</exception>
    public static MemoryPrincipal Agent(string agentId, params string[] roles) => new(agentId, roles);

    /// <summary>Tells whether <paramref name="subject"/> (a principal id or <c>role:&lt;name&gt;</c>) names this principal.</summary>
    /// <param name="subject">The access-rule subject.</param>
    /// <returns><see langword="true"/> if the subject is this principal's id or one of its roles.</returns>
    public bool IsNamedBy(string subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return subject.StartsWith(RolePrefix, StringComparison.Ordinal)
            ? Roles.Contains(subject[RolePrefix.Length..])
            : string.Equals(subject, Id, StringComparison.Ordinal);
    }

    /// <inheritdoc />
    public bool Equals(MemoryPrincipal? other) =>
        other is not null && string.Equals(Id, other.Id, StringComparison.Ordinal) && Roles.SetEquals(other.Roles);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as MemoryPrincipal);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Id);

    /// <inheritdoc />
    public override string ToString() => Roles.Count == 0 ? Id : $"{Id} [{string.Join(", ", Roles.Order(StringComparer.Ordinal))}]";

    private static void ValidateName(string value, string paramName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, paramName);
        if (value.Length > MaxIdLength)
        {
            throw new ArgumentException($"Principal ids and roles may be at most {MaxIdLength} characters long; got {value.Length}.", paramName);
        }
    }
}
