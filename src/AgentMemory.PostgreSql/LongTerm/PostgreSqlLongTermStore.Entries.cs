using System.Data;
using AgentMemory.Persistence;
using AgentMemory.Persistence.Archive;
using Npgsql;
using NpgsqlTypes;

namespace AgentMemory.PostgreSql.LongTerm;

// Row reads and writes.
public sealed partial class PostgreSqlLongTermStore
{
    private const int KeyPageSize = 1_000;
    private const int ReplaceChunkSize = 1_000;

    /// <inheritdoc />
    public PersistedEntry? Get(string key, long nowTicks) => Run("read an entry", connection =>
    {
        using var command = new NpgsqlCommand(_sql.Get, connection);
        command.Parameters.Add(new NpgsqlParameter<string>("key", NpgsqlDbType.Text) { TypedValue = key });
        command.Parameters.Add(new NpgsqlParameter<long>("now", NpgsqlDbType.Bigint) { TypedValue = nowTicks });
        using var reader = command.ExecuteReader(CommandBehavior.SingleRow);
        return reader.Read() ? ReadEntry(reader) : null;
    });

    /// <inheritdoc />
    public long Count(long nowTicks) => Run("count entries", connection =>
    {
        using var command = new NpgsqlCommand(_sql.Count, connection);
        command.Parameters.Add(new NpgsqlParameter<long>("now", NpgsqlDbType.Bigint) { TypedValue = nowTicks });
        return (long)command.ExecuteScalar()!;
    });

    /// <inheritdoc />
    /// <remarks>
    /// The last write of each key wins; the upserts go as one multi-row <c>INSERT ... SELECT FROM unnest(...) ON CONFLICT
    /// DO UPDATE</c> and the deletes as one <c>DELETE ... = ANY(...)</c>, sent together in one batch that PostgreSQL runs
    /// as one transaction: one round trip.
    /// </remarks>
    public void Apply(IReadOnlyList<LongTermWrite> writes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        if (writes.Count == 0)
        {
            return;
        }

        var last = new Dictionary<string, PersistedEntry?>(writes.Count, StringComparer.Ordinal);
        foreach (var write in writes)
        {
            last[write.Key] = write.Entry;
        }

        var upserts = new List<PersistedEntry>(last.Count);
        var deletes = new List<string>();
        foreach (var (key, entry) in last)
        {
            if (entry is null)
            {
                deletes.Add(key);
            }
            else
            {
                upserts.Add(entry);
            }
        }

        var rows = upserts.Count == 0 ? null : EncodeRows(upserts);
        Run("write a batch", connection =>
        {
            using var batch = new NpgsqlBatch(connection);
            if (rows is not null)
            {
                batch.BatchCommands.Add(UpsertCommand(rows));
            }

            if (deletes.Count > 0)
            {
                var delete = new NpgsqlBatchCommand(_sql.DeleteMany);
                delete.Parameters.Add(new NpgsqlParameter<string[]>("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. deletes] });
                batch.BatchCommands.Add(delete);
            }

            return batch.ExecuteNonQuery();
        });
    }

    /// <inheritdoc />
    public bool Delete(string key) => Run("delete an entry", connection =>
    {
        using var command = new NpgsqlCommand(_sql.Delete, connection);
        command.Parameters.Add(new NpgsqlParameter<string>("key", NpgsqlDbType.Text) { TypedValue = key });
        return command.ExecuteNonQuery() > 0;
    });

    /// <inheritdoc />
    public void UpdateAccess(IReadOnlyList<(string Key, long AccessCount, long LastAccessTicks)> updates)
    {
        ArgumentNullException.ThrowIfNull(updates);
        if (updates.Count == 0)
        {
            return;
        }

        var merged = new Dictionary<string, (long Count, long Last)>(updates.Count, StringComparer.Ordinal);
        foreach (var (key, count, last) in updates)
        {
            merged[key] = merged.TryGetValue(key, out var seen) ? (Math.Max(seen.Count, count), Math.Max(seen.Last, last)) : (count, last);
        }

        var keys = merged.Keys.ToArray();
        var counts = keys.Select(k => merged[k].Count).ToArray();
        var lasts = keys.Select(k => merged[k].Last).ToArray();
        Run("record access statistics", connection =>
        {
            using var command = new NpgsqlCommand(_sql.UpdateAccess, connection);
            command.Parameters.Add(new NpgsqlParameter<string[]>("key", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = keys });
            command.Parameters.Add(new NpgsqlParameter<long[]>("access_count", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = counts });
            command.Parameters.Add(new NpgsqlParameter<long[]>("last_access", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = lasts });
            return command.ExecuteNonQuery();
        });
    }

    /// <inheritdoc />
    public long DeleteAll(long nowTicks) => Run("delete every entry", connection =>
    {
        using var command = new NpgsqlCommand(_sql.DeleteAll, connection);
        command.Parameters.Add(new NpgsqlParameter<long>("now", NpgsqlDbType.Bigint) { TypedValue = nowTicks });
        return (long)command.ExecuteScalar()!;
    });

    /// <inheritdoc />
    /// <remarks>Uses the partial index on <c>expires</c>, so a sweep reads only rows that can expire.</remarks>
    public int RemoveExpired(long nowTicks, int max) => Run("delete expired entries", connection =>
    {
        using var command = new NpgsqlCommand(_sql.RemoveExpired, connection);
        command.Parameters.Add(new NpgsqlParameter<long>("now", NpgsqlDbType.Bigint) { TypedValue = nowTicks });
        command.Parameters.Add(new NpgsqlParameter<int>("max", NpgsqlDbType.Integer) { TypedValue = max });
        return command.ExecuteNonQuery();
    });

    /// <inheritdoc />
    /// <remarks>
    /// The prefix narrows the scan on the primary key (<c>LIKE 'prefix%'</c> on a <c>"C"</c>-collated key); pages of
    /// 1,000 keys are read with keyset pagination (<c>key &gt; last</c>), each its own statement, so a long listing holds
    /// no transaction open. The glob is applied here.
    /// </remarks>
    public List<string> Keys(string prefix, Func<string, bool> match, string? after, long nowTicks)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(match);
        var like = EscapeLike(prefix) + "%";
        var keys = new List<string>();
        string? last = null;
        while (true)
        {
            var page = Run("list keys", connection =>
            {
                using var command = new NpgsqlCommand(last is null ? _sql.KeysFirst : _sql.KeysNext, connection);
                command.Parameters.Add(new NpgsqlParameter<string>("like", NpgsqlDbType.Text) { TypedValue = like });
                if (last is not null)
                {
                    command.Parameters.Add(new NpgsqlParameter<string>("last", NpgsqlDbType.Text) { TypedValue = last });
                }

                command.Parameters.Add(new NpgsqlParameter<long>("now", NpgsqlDbType.Bigint) { TypedValue = nowTicks });
                command.Parameters.Add(new NpgsqlParameter<int>("limit", NpgsqlDbType.Integer) { TypedValue = KeyPageSize });
                using var reader = command.ExecuteReader();
                var rows = new List<string>(KeyPageSize);
                while (reader.Read())
                {
                    rows.Add(reader.GetString(0));
                }

                return rows;
            });
            foreach (var key in page)
            {
                if ((after is null || string.CompareOrdinal(key, after) > 0) && match(key))
                {
                    keys.Add(key);
                }
            }

            if (page.Count < KeyPageSize)
            {
                break;
            }

            last = page[^1];
        }

        // "C" collation orders by code point; the contract is UTF-16 ordinal (they differ only around surrogates).
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    /// <inheritdoc />
    /// <remarks>The rows are read in one <c>REPEATABLE READ</c> read-only transaction.</remarks>
    public void ForEach(long nowTicks, bool withPayload, Action<PersistedEntry, long> visit)
    {
        ArgumentNullException.ThrowIfNull(visit);
        var started = false;
        Run("read every entry", connection =>
        {
            using var transaction = connection.BeginTransaction(IsolationLevel.RepeatableRead);
            using var command = new NpgsqlCommand(withPayload ? _sql.All : _sql.AllWithoutPayload, connection, transaction);
            command.Parameters.Add(new NpgsqlParameter<long>("now", NpgsqlDbType.Bigint) { TypedValue = nowTicks });
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                started = true;
                var entry = ReadEntry(reader, decompress: withPayload);
                visit(entry, withPayload ? entry.Payload.Length : reader.GetInt32(12));
            }

            return 0;
        }, () => !started);
    }

    /// <inheritdoc />
    /// <remarks>The snapshot is a <c>REPEATABLE READ</c> read-only transaction on its own connection, its rows streamed in key order.</remarks>
    public EntrySnapshot OpenSnapshot(long nowTicks) => Run("open a snapshot", connection =>
    {
        // On success the snapshot owns the connection (Run keeps it open); it is closed when the snapshot is disposed.
        var snapshot = new PostgreSqlSnapshot(connection, _sql.All, nowTicks, reader => ReadEntry(reader));
        return new EntrySnapshot(snapshot.Rows(), snapshot);
    }, keepConnection: true);

    /// <inheritdoc />
    public void ReplaceAll(IEnumerable<PersistedEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var chunks = entries.Chunk(ReplaceChunkSize).Select(EncodeRows).ToList();
        Run("replace every entry", connection =>
        {
            using var transaction = connection.BeginTransaction();
            using (var clear = new NpgsqlCommand(_sql.Clear, connection, transaction))
            {
                clear.ExecuteNonQuery();
            }

            foreach (var rows in chunks)
            {
                using var batch = new NpgsqlBatch(connection, transaction);
                batch.BatchCommands.Add(UpsertCommand(rows));
                batch.ExecuteNonQuery();
            }

            transaction.Commit();
            return 0;
        });
    }

    /// <summary>
    /// Keys of live entries whose metadata contains <paramref name="filter"/> (JSONB containment, <c>metadata @&gt; filter</c>,
    /// served by the GIN index), in key order.
    /// </summary>
    /// <param name="filter">The metadata every match must contain: each key with an equal value (nested maps and lists by containment, as JSONB's <c>@&gt;</c>).</param>
    /// <param name="now">The current time, as the tiered store's <see cref="TimeProvider"/> gives it; expired entries are skipped.</param>
    /// <param name="limit">The most keys to return.</param>
    /// <returns>The matching keys, at most <paramref name="limit"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="filter"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">The filter is empty, or holds text with U+0000 or a negative zero, which JSONB cannot hold.</exception>
    /// <exception cref="MemoryStorageException">The database failed.</exception>
    /// <remarks>
    /// Sees what has reached the long-term tier: with <see cref="DurabilityMode.WriteThrough"/> every write, with
    /// write-behind the writes flushed so far. Thread-safe.
    /// </remarks>
    public IReadOnlyList<string> FindKeysByMetadata(IReadOnlyDictionary<string, MetadataValue> filter, DateTimeOffset now, int limit = 1_000)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var json = MetadataJson.ToJson(filter, out var representable);
        if (json is null)
        {
            throw new ArgumentException(representable ? "The metadata filter is empty." : "The metadata filter holds text with U+0000 or a negative zero, which JSONB cannot hold.", nameof(filter));
        }

        return Run("query metadata", connection =>
        {
            using var command = new NpgsqlCommand(_sql.FindByMetadata, connection);
            command.Parameters.Add(new NpgsqlParameter<string>("filter", NpgsqlDbType.Jsonb) { TypedValue = json });
            command.Parameters.Add(new NpgsqlParameter<long>("now", NpgsqlDbType.Bigint) { TypedValue = now.UtcTicks });
            command.Parameters.Add(new NpgsqlParameter<int>("limit", NpgsqlDbType.Integer) { TypedValue = limit });
            using var reader = command.ExecuteReader();
            var keys = new List<string>();
            while (reader.Read())
            {
                keys.Add(reader.GetString(0));
            }

            return keys;
        });
    }

    private static string EscapeLike(string prefix) => prefix
        .Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("%", "\\%", StringComparison.Ordinal)
        .Replace("_", "\\_", StringComparison.Ordinal);

    private EncodedRows EncodeRows(IReadOnlyList<PersistedEntry> entries)
    {
        var rows = new EncodedRows(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            rows.Keys[i] = entry.Key;
            rows.Kinds[i] = (short)entry.Kind;
            (rows.Payloads[i], rows.Compressed[i]) = Compress(entry.Payload);
            rows.Metadata[i] = MetadataJson.ToJson(entry.Metadata, out var representable);
            rows.MetadataRaw[i] = representable ? null : entry.Metadata;
            rows.Priorities[i] = (short)entry.Priority;
            rows.Created[i] = entry.CreatedTicks;
            rows.Updated[i] = entry.UpdatedTicks;
            rows.LastAccess[i] = entry.LastAccessTicks;
            rows.Expires[i] = entry.ExpiresTicks;
            rows.AccessCounts[i] = entry.AccessCount;
        }

        return rows;
    }

    private NpgsqlBatchCommand UpsertCommand(EncodedRows rows)
    {
        var command = new NpgsqlBatchCommand(_sql.Upsert);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<string[]>("key", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = rows.Keys });
        p.Add(new NpgsqlParameter<short[]>("kind", NpgsqlDbType.Array | NpgsqlDbType.Smallint) { TypedValue = rows.Kinds });
        p.Add(new NpgsqlParameter<byte[][]>("payload", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = rows.Payloads });
        p.Add(new NpgsqlParameter<bool[]>("compressed", NpgsqlDbType.Array | NpgsqlDbType.Boolean) { TypedValue = rows.Compressed });
        p.Add(new NpgsqlParameter<string?[]>("metadata", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { TypedValue = rows.Metadata });
        p.Add(new NpgsqlParameter<byte[]?[]>("metadata_raw", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = rows.MetadataRaw });
        p.Add(new NpgsqlParameter<short[]>("priority", NpgsqlDbType.Array | NpgsqlDbType.Smallint) { TypedValue = rows.Priorities });
        p.Add(new NpgsqlParameter<long[]>("created", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = rows.Created });
        p.Add(new NpgsqlParameter<long[]>("updated", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = rows.Updated });
        p.Add(new NpgsqlParameter<long[]>("last_access", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = rows.LastAccess });
        p.Add(new NpgsqlParameter<long[]>("expires", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = rows.Expires });
        p.Add(new NpgsqlParameter<long[]>("access_count", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = rows.AccessCounts });
        return command;
    }

    private (byte[] Bytes, bool Compressed) Compress(byte[] payload)
    {
        if (_compressionThreshold is not { } threshold || payload.Length < threshold)
        {
            return (payload, false);
        }

        var compressed = Lz4Block.Compress(payload);
        return compressed.Length < payload.Length ? (compressed, true) : (payload, false);
    }

    private PersistedEntry ReadEntry(NpgsqlDataReader reader, bool decompress = true)
    {
        var key = reader.GetString(0);
        var payload = reader.GetFieldValue<byte[]>(2);
        if (decompress && reader.GetBoolean(3))
        {
            try
            {
                payload = Lz4Block.Decompress(payload);
            }
            catch (InvalidDataException ex)
            {
                throw new MemoryStorageException(key, $"The compressed value for key '{key}' in {Location} is corrupt: {ex.Message}", ex);
            }
        }

        byte[]? metadata = null;
        if (!reader.IsDBNull(5))
        {
            metadata = reader.GetFieldValue<byte[]>(5);
        }
        else if (!reader.IsDBNull(4))
        {
            metadata = MetadataJson.FromJson(reader.GetString(4));
        }

        return new PersistedEntry(
            key,
            (MemoryEntryKind)reader.GetInt16(1),
            payload,
            metadata,
            (MemoryPriority)reader.GetInt16(6),
            reader.GetInt64(7),
            reader.GetInt64(8),
            reader.GetInt64(9),
            reader.GetInt64(10),
            reader.GetInt64(11));
    }

    /// <summary>The column arrays of a batch of upserts, encoded once outside the connection (so a retry reuses them).</summary>
    private sealed class EncodedRows(int count)
    {
        public string[] Keys { get; } = new string[count];

        public short[] Kinds { get; } = new short[count];

        public byte[][] Payloads { get; } = new byte[count][];

        public bool[] Compressed { get; } = new bool[count];

        public string?[] Metadata { get; } = new string?[count];

        public byte[]?[] MetadataRaw { get; } = new byte[]?[count];

        public short[] Priorities { get; } = new short[count];

        public long[] Created { get; } = new long[count];

        public long[] Updated { get; } = new long[count];

        public long[] LastAccess { get; } = new long[count];

        public long[] Expires { get; } = new long[count];

        public long[] AccessCounts { get; } = new long[count];
    }
}
