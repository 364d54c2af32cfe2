namespace AgentMemory;

/// <summary>The JSON-like type of a <see cref="MetadataValue"/>.</summary>
public enum MetadataValueKind
{
    /// <summary>The null value; also the value of <c>default(MetadataValue)</c>.</summary>
    Null = 0,

    /// <summary>A boolean.</summary>
    Boolean = 1,

    /// <summary>A 64-bit signed integer.</summary>
    Integer = 2,

    /// <summary>A finite 64-bit floating-point number.</summary>
    Double = 3,

    /// <summary>A string.</summary>
    String = 4,

    /// <summary>An ordered list of metadata values.</summary>
    List = 5,

    /// <summary>A map from string keys to metadata values.</summary>
    Map = 6,
}
