namespace AgentMemory.Semantic;

/// <summary>
/// The in-process <see cref="IHierarchicalMemory"/>, layered on a <see cref="SemanticMemory"/>: leveled memories are
/// semantic memories whose level and validation count live in the reserved metadata fields <see cref="LevelField"/>
/// and <see cref="ValidationsField"/>, so they share the semantic memory's store, persistence, indexes, scopes and
/// caches, and a level filter runs inside the index scans.
/// </summary>
/// <remarks>
/// Thread-safe. Every access count, validation, promotion and move is one atomic read-modify-write under the
/// semantic memory's write lock, so concurrent recalls never lose an access or promote twice; expiry and eviction
/// delete a memory only if it still qualifies when the lock is held.
/// </remarks>
public sealed partial class HierarchicalMemory : IHierarchicalMemory
{
    /// <summary>The metadata field holding a memory's level: <c>immediate</c>, <c>recent</c>, <c>important</c> or <c>learned</c>.</summary>
    public const string LevelField = "hierarchy.level";

    /// <summary>The metadata field holding a memory's validation count.</summary>
    public const string ValidationsField = "hierarchy.validations";

    private static readonly string[] LevelNames = ["immediate", "recent", "important", "learned"];

    /// <summary>One shared filter instance per set of levels, so repeated searches share retrieval-cache entries.</summary>
    private static readonly MetadataFilter[] LevelFilters = [.. Enumerable.Range(0, 16).Select(mask => mask is 0 or 15
        ? MetadataFilter.Exists(LevelField)
        : MetadataFilter.In(LevelField, Enumerable.Range(0, 4).Where(l => (mask & (1 << l)) != 0).Select(l => (MetadataValue)LevelNames[l])))];

    private readonly SemanticMemory _memory;
    private readonly HierarchicalMemoryOptions _options;

    /// <summary>Creates a hierarchy over <paramref name="memory"/>.</summary>
    /// <param name="memory">The semantic memory that stores and indexes the leveled memories; its clock is the hierarchy's clock.</param>
    /// <param name="options">Capacities, idle limits and promotion rules, copied now; null for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="memory"/> is null.</exception>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public HierarchicalMemory(SemanticMemory memory, HierarchicalMemoryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(memory);
        options ??= new HierarchicalMemoryOptions();
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _memory = memory;
        _options = options.Clone();
    }

    /// <summary>Reads the level of a memory from its metadata.</summary>
    /// <param name="memory">The memory.</param>
    /// <returns>The level, or null if the memory is not part of a hierarchy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="memory"/> is null.</exception>
    public static MemoryLevel? LevelOf(MemoryRecord memory)
    {
        ArgumentNullException.ThrowIfNull(memory);
        if (memory.Metadata.TryGetValue(LevelField, out var value) && value.Kind == MetadataValueKind.String)
        {
            var index = Array.IndexOf(LevelNames, value.AsString());
            return index >= 0 ? (MemoryLevel)index : null;
        }

        return null;
    }

    /// <inheritdoc/>
    public async ValueTask<LeveledMemory> StoreAsync(MemoryInput input, MemoryLevel level = MemoryLevel.Immediate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckLevel(level);
        if (input.Metadata is { } given && (given.ContainsKey(LevelField) || given.ContainsKey(ValidationsField)))
        {
            throw new ArgumentException($"The metadata fields '{LevelField}' and '{ValidationsField}' are reserved for the hierarchy; choose the level with the level argument.", nameof(input));
        }

        var metadata = new Dictionary<string, MetadataValue>(input.Metadata ?? new Dictionary<string, MetadataValue>(), StringComparer.Ordinal)
        {
            [LevelField] = LevelNames[(int)level],
            [ValidationsField] = 0L,
        };
        var stored = await _memory.StoreAsync(
            new MemoryInput
            {
                Content = input.Content,
                Type = input.Type,
                Scope = input.Scope,
                Importance = input.Importance,
                Metadata = metadata,
                SourceIds = input.SourceIds,
                Id = input.Id,
                Timestamp = input.Timestamp,
            },
            cancellationToken).ConfigureAwait(false);
        await EvictOverCapacityAsync(stored.Scope, level, [], cancellationToken, stored.Id).ConfigureAwait(false);
        return new LeveledMemory(stored, level, 0);
    }

    /// <inheritdoc/>
    public async ValueTask<LeveledMemory?> GetAsync(string id, MemoryScope scope, CancellationToken cancellationToken = default)
    {
        var record = await _memory.GetAsync(id, scope, cancellationToken).ConfigureAwait(false);
        return record is not null && LevelOf(record) is { } level && !IsExpired(record, level, _memory.Time.GetUtcNow())
            ? new LeveledMemory(record, level, ValidationsOf(record))
            : null;
    }

    /// <inheritdoc/>
    public async ValueTask<LeveledMemory?> RecallAsync(string id, MemoryScope scope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(scope);
        if (await DeleteIfExpiredAsync(id, scope, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return await TouchAsync(id, scope, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<LeveledSearchResult>> SearchAsync(MemoryQuery query, IReadOnlyCollection<MemoryLevel>? levels = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var mask = 0;
        foreach (var level in levels ?? [])
        {
            CheckLevel(level);
            mask |= 1 << (int)level;
        }

        var levelFilter = LevelFilters[mask];
        var inner = new MemoryQuery
        {
            Text = query.Text,
            Scope = query.Scope,
            Types = query.Types,
            MinRelevance = query.MinRelevance,
            MinImportance = query.MinImportance,
            From = query.From,
            To = query.To,
            Filter = query.Filter is null ? levelFilter : MetadataFilter.And(levelFilter, query.Filter),
            Limit = query.Limit,
            UpdateAccessStatistics = false,
        };

        // Expired memories are deleted when a search meets them, and the search runs again to fill the page.
        IReadOnlyList<MemorySearchResult> results;
        var attempts = 0;
        while (true)
        {
            results = await _memory.RetrieveAsync(inner, cancellationToken).ConfigureAwait(false);
            var now = _memory.Time.GetUtcNow();
            var expired = results.Where(r => IsExpired(r.Memory, LevelOf(r.Memory)!.Value, now)).ToList();
            if (expired.Count == 0)
            {
                break;
            }

            foreach (var gone in expired)
            {
                await DeleteIfExpiredAsync(gone.Memory.Id, query.Scope, cancellationToken).ConfigureAwait(false);
            }

            if (++attempts == 4)
            {
                results = [.. results.Except(expired)];
                break;
            }
        }

        var leveled = new List<LeveledSearchResult>(results.Count);
        foreach (var result in results)
        {
            if (!query.UpdateAccessStatistics)
            {
                leveled.Add(new LeveledSearchResult(result, LevelOf(result.Memory)!.Value));
            }
            else if (await TouchAsync(result.Memory.Id, query.Scope, cancellationToken).ConfigureAwait(false) is { } touched)
            {
                leveled.Add(new LeveledSearchResult(result, touched.Level, touched.PromotedFrom));
            }
        }

        return leveled;
    }

    /// <inheritdoc/>
    public async ValueTask<LeveledMemory?> ValidateAsync(string id, MemoryScope scope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(scope);
        if (await DeleteIfExpiredAsync(id, scope, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        MemoryLevel? from = null;
        var record = await _memory.MutateAsync(id, scope, (r, _) =>
        {
            if (LevelOf(r) is not { } level)
            {
                return r;
            }

            var validated = WithMetadata(r, level, ValidationsOf(r) + 1);
            if (NextLevel(validated, level) is { } next)
            {
                from = level;
                return WithMetadata(validated, next, ValidationsOf(validated));
            }

            return validated;
        }, cancellationToken).ConfigureAwait(false);
        return Leveled(record, from);
    }

    /// <inheritdoc/>
    public async ValueTask<LeveledMemory?> MoveAsync(string id, MemoryScope scope, MemoryLevel level, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(scope);
        CheckLevel(level);
        if (await DeleteIfExpiredAsync(id, scope, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var record = await _memory.MutateAsync(id, scope, (r, _) => LevelOf(r) is { } current && current != level ? WithMetadata(r, level, ValidationsOf(r)) : r, cancellationToken).ConfigureAwait(false);
        if (record is not null && LevelOf(record) is not null)
        {
            await EvictOverCapacityAsync(record.Scope, level, [], cancellationToken, record.Id).ConfigureAwait(false);
        }

        return Leveled(record, null);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyDictionary<MemoryLevel, int>> CountByLevelAsync(MemoryScope? scope = null, CancellationToken cancellationToken = default)
    {
        var now = _memory.Time.GetUtcNow();
        var counts = Enum.GetValues<MemoryLevel>().ToDictionary(l => l, _ => 0);
        foreach (var record in await _memory.SnapshotAsync(cancellationToken).ConfigureAwait(false))
        {
            if ((scope is null || record.Scope.IsVisibleTo(scope)) && LevelOf(record) is { } level && !IsExpired(record, level, now))
            {
                counts[level]++;
            }
        }

        return counts;
    }

    /// <summary>Counts one access (access count + 1, last access now) and promotes one level if the rule says so; atomically.</summary>
    private async ValueTask<LeveledMemory?> TouchAsync(string id, MemoryScope scope, CancellationToken cancellationToken)
    {
        MemoryLevel? from = null;
        var record = await _memory.MutateAsync(id, scope, (r, now) =>
        {
            if (LevelOf(r) is not { } level)
            {
                return r;
            }

            var touched = SemanticMemory.With(r, accessCount: r.AccessCount + 1, lastAccessedAt: now);
            if (NextLevel(touched, level) is { } next)
            {
                from = level;
                return WithMetadata(touched, next, ValidationsOf(touched));
            }

            return touched;
        }, cancellationToken).ConfigureAwait(false);
        return Leveled(record, from);
    }

    private ValueTask<bool> DeleteIfExpiredAsync(string id, MemoryScope scope, CancellationToken cancellationToken) =>
        _memory.DeleteIfAsync(id, scope, (r, now) => LevelOf(r) is { } level && IsExpired(r, level, now), cancellationToken);

    /// <summary>The level the rules promote a memory to from <paramref name="level"/>, or null if it stays.</summary>
    private MemoryLevel? NextLevel(MemoryRecord record, MemoryLevel level) => level switch
    {
        MemoryLevel.Immediate when record.AccessCount > _options.PromoteToRecentAfterAccesses => MemoryLevel.Recent,
        MemoryLevel.Recent when record.Importance > _options.PromoteToImportantAboveImportance => MemoryLevel.Important,
        MemoryLevel.Important when ValidationsOf(record) > _options.PromoteToLearnedAfterValidations => MemoryLevel.Learned,
        _ => null,
    };

    private bool IsExpired(MemoryRecord record, MemoryLevel level, DateTimeOffset now) =>
        MaxIdle(level) is { } idle && now - (record.LastAccessedAt ?? record.Timestamp) > idle;

    private TimeSpan? MaxIdle(MemoryLevel level) => level switch
    {
        MemoryLevel.Immediate => _options.ImmediateMaxIdle,
        MemoryLevel.Recent => _options.RecentMaxIdle,
        _ => null,
    };

    private int Capacity(MemoryLevel level) => level switch
    {
        MemoryLevel.Immediate => _options.ImmediateCapacity,
        MemoryLevel.Recent => _options.RecentCapacity,
        MemoryLevel.Important => _options.ImportantCapacity,
        _ => _options.LearnedCapacity,
    };

    private static long ValidationsOf(MemoryRecord record) =>
        record.Metadata.TryGetValue(ValidationsField, out var value) && value.Kind == MetadataValueKind.Integer ? value.AsInt64() : 0;

    private static MemoryRecord WithMetadata(MemoryRecord record, MemoryLevel level, long validations)
    {
        var metadata = new Dictionary<string, MetadataValue>(record.Metadata, StringComparer.Ordinal)
        {
            [LevelField] = LevelNames[(int)level],
            [ValidationsField] = validations,
        };
        return SemanticMemory.With(record, metadata: metadata);
    }

    private static LeveledMemory? Leveled(MemoryRecord? record, MemoryLevel? promotedFrom) =>
        record is not null && LevelOf(record) is { } level ? new LeveledMemory(record, level, ValidationsOf(record), promotedFrom) : null;

    private static void CheckLevel(MemoryLevel level)
    {
        if (!Enum.IsDefined(level))
        {
            throw new ArgumentException($"The memory level {(int)level} is not defined.", nameof(level));
        }
    }
}
