namespace AgentMemory.Conformance;

/// <summary>A plain record the suites store, with nested data and no serializer attributes.</summary>
/// <param name="Name">A name.</param>
/// <param name="Age">An age.</param>
/// <param name="Tags">Some tags.</param>
public sealed record UserProfile(string Name, int Age, string[] Tags)
{
    /// <inheritdoc />
    public bool Equals(UserProfile? other) =>
        other is not null && Name == other.Name && Age == other.Age && Tags.SequenceEqual(other.Tags);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Age, Tags.Length);
}
