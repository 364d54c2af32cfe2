using System.Globalization;

namespace AgentMemory.Redis.Streaming;

/// <summary>A Redis stream entry id (<c>ms-seq</c>), ordered as Redis orders them.</summary>
internal readonly record struct StreamEntryId(ulong Milliseconds, ulong Counter) : IComparable<StreamEntryId>
{
    /// <summary>Before every entry.</summary>
    public static readonly StreamEntryId Zero = new(0, 0);

    public static StreamEntryId Parse(string id)
    {
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        return dash < 0
            ? new(ulong.Parse(id, CultureInfo.InvariantCulture), 0)
            : new(ulong.Parse(id.AsSpan(0, dash), CultureInfo.InvariantCulture), ulong.Parse(id.AsSpan(dash + 1), CultureInfo.InvariantCulture));
    }

    public int CompareTo(StreamEntryId other)
    {
        var byTime = Milliseconds.CompareTo(other.Milliseconds);
        return byTime != 0 ? byTime : Counter.CompareTo(other.Counter);
    }

    public static bool operator <(StreamEntryId left, StreamEntryId right) => left.CompareTo(right) < 0;

    public static bool operator >(StreamEntryId left, StreamEntryId right) => left.CompareTo(right) > 0;

    public static bool operator <=(StreamEntryId left, StreamEntryId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(StreamEntryId left, StreamEntryId right) => left.CompareTo(right) >= 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Milliseconds}-{Counter}");
}
