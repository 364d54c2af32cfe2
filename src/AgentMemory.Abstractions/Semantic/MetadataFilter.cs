namespace AgentMemory;

/// <summary>
/// A predicate over an entry's metadata: equality, membership, numeric range and existence tests, combinable with
/// <see cref="And"/>, <see cref="Or"/> and <see cref="Not"/>. Vector, keyword and semantic searches apply it to each
/// candidate while they scan, so a filtered search returns the best matches among the entries that pass.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public abstract class MetadataFilter
{
    private protected MetadataFilter()
    {
    }

    /// <summary>Matches entries whose field <paramref name="field"/> equals <paramref name="value"/> (kind included, as <see cref="MetadataValue.Equals(MetadataValue)"/>).</summary>
    /// <param name="field">The metadata field name.</param>
    /// <param name="value">The value the field must equal.</param>
    /// <returns>The filter.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="field"/> is null.</exception>
    public static MetadataFilter Equal(string field, MetadataValue value)
    {
        ArgumentNullException.ThrowIfNull(field);
        return new EqualFilter(field, value);
    }

    /// <summary>Matches entries whose field <paramref name="field"/> equals one of <paramref name="values"/>.</summary>
    /// <param name="field">The metadata field name.</param>
    /// <param name="values">The allowed values; copied.</param>
    /// <returns>The filter.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="field"/> or <paramref name="values"/> is null.</exception>
    public static MetadataFilter In(string field, IEnumerable<MetadataValue> values)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(values);
        return new InFilter(field, [.. values]);
    }

    /// <summary>
    /// Matches entries whose field <paramref name="field"/> is a number (integer or double) within the bounds. A null
    /// bound is open.
    /// </summary>
    /// <param name="field">The metadata field name.</param>
    /// <param name="min">The smallest allowed value, or null for no lower bound.</param>
    /// <param name="max">The largest allowed value, or null for no upper bound.</param>
    /// <param name="minInclusive">Whether <paramref name="min"/> itself matches.</param>
    /// <param name="maxInclusive">Whether <paramref name="max"/> itself matches.</param>
    /// <returns>The filter.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="field"/> is null.</exception>
    /// <exception cref="ArgumentException">A bound is NaN, or <paramref name="min"/> is greater than <paramref name="max"/>.</exception>
    public static MetadataFilter Range(string field, double? min = null, double? max = null, bool minInclusive = true, bool maxInclusive = true)
    {
        ArgumentNullException.ThrowIfNull(field);
        if ((min is { } lo && double.IsNaN(lo)) || (max is { } hi && double.IsNaN(hi)))
        {
            throw new ArgumentException("A range bound must not be NaN.", min is { } l && double.IsNaN(l) ? nameof(min) : nameof(max));
        }

        if (min > max)
        {
            throw new ArgumentException($"The range minimum {min} is greater than its maximum {max}.", nameof(min));
        }

        return new RangeFilter(field, min, max, minInclusive, maxInclusive);
    }

    /// <summary>Matches entries that have the field <paramref name="field"/> (with any value, null included).</summary>
    /// <param name="field">The metadata field name.</param>
    /// <returns>The filter.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="field"/> is null.</exception>
    public static MetadataFilter Exists(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return new ExistsFilter(field);
    }

    /// <summary>Matches entries that every one of <paramref name="filters"/> matches (all entries when empty).</summary>
    /// <param name="filters">The filters; copied.</param>
    /// <returns>The filter.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="filters"/> or one of its items is null.</exception>
    public static MetadataFilter And(params MetadataFilter[] filters) => new AllFilter(Copy(filters), all: true);

    /// <summary>Matches entries that at least one of <paramref name="filters"/> matches (none when empty).</summary>
    /// <param name="filters">The filters; copied.</param>
    /// <returns>The filter.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="filters"/> or one of its items is null.</exception>
    public static MetadataFilter Or(params MetadataFilter[] filters) => new AllFilter(Copy(filters), all: false);

    /// <summary>Matches entries that <paramref name="filter"/> does not match.</summary>
    /// <param name="filter">The filter to negate.</param>
    /// <returns>The filter.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="filter"/> is null.</exception>
    public static MetadataFilter Not(MetadataFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return new NotFilter(filter);
    }

    /// <summary>Tells whether an entry with <paramref name="metadata"/> passes the filter.</summary>
    /// <param name="metadata">The entry's metadata; null is the same as empty.</param>
    /// <returns><see langword="true"/> if the entry passes.</returns>
    public abstract bool Matches(IReadOnlyDictionary<string, MetadataValue>? metadata);

    private static MetadataFilter[] Copy(MetadataFilter[] filters)
    {
        ArgumentNullException.ThrowIfNull(filters);
        var copy = filters.ToArray();
        foreach (var f in copy)
        {
            ArgumentNullException.ThrowIfNull(f, nameof(filters));
        }

        return copy;
    }

    private static bool TryGet(IReadOnlyDictionary<string, MetadataValue>? metadata, string field, out MetadataValue value)
    {
        if (metadata is null)
        {
            value = default;
            return false;
        }

        return metadata.TryGetValue(field, out value);
    }

    private sealed class EqualFilter(string field, MetadataValue value) : MetadataFilter
    {
        public override bool Matches(IReadOnlyDictionary<string, MetadataValue>? metadata) =>
            TryGet(metadata, field, out var actual) && actual.Equals(value);
    }

    private sealed class InFilter(string field, MetadataValue[] values) : MetadataFilter
    {
        public override bool Matches(IReadOnlyDictionary<string, MetadataValue>? metadata) =>
            TryGet(metadata, field, out var actual) && Array.IndexOf(values, actual) >= 0;
    }

    private sealed class RangeFilter(string field, double? min, double? max, bool minInclusive, bool maxInclusive) : MetadataFilter
    {
        public override bool Matches(IReadOnlyDictionary<string, MetadataValue>? metadata)
        {
            if (!TryGet(metadata, field, out var actual) || actual.Kind is not (MetadataValueKind.Integer or MetadataValueKind.Double))
            {
                return false;
            }

            var x = actual.AsDouble();
            if (min is { } lo && (minInclusive ? x < lo : x <= lo))
            {
                return false;
            }

            return max is not { } hi || (maxInclusive ? x <= hi : x < hi);
        }
    }

    private sealed class ExistsFilter(string field) : MetadataFilter
    {
        public override bool Matches(IReadOnlyDictionary<string, MetadataValue>? metadata) => TryGet(metadata, field, out _);
    }

    private sealed class NotFilter(MetadataFilter inner) : MetadataFilter
    {
        public override bool Matches(IReadOnlyDictionary<string, MetadataValue>? metadata) => !inner.Matches(metadata);
    }

    private sealed class AllFilter(MetadataFilter[] filters, bool all) : MetadataFilter
    {
        public override bool Matches(IReadOnlyDictionary<string, MetadataValue>? metadata)
        {
            foreach (var f in filters)
            {
                if (f.Matches(metadata) != all)
                {
                    return !all;
                }
            }

            return all;
        }
    }
}
