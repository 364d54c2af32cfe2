namespace AgentMemory.Redis.Storage;

/// <summary>
/// The Lua scripts of <see cref="RedisMemoryStore"/>. Every mutation runs as one script, so it is atomic on the server
/// together with its bookkeeping (the companion metadata hash, the expiry index, the shared counters) and, when
/// publishing is on, its change record.
/// </summary>
/// <remarks>
/// Calling convention shared by every script:
/// KEYS[1] statistics hash, KEYS[2] expiry index (sorted set), KEYS[3] change stream, KEYS[4] change sequence,
/// then the entry's data key and metadata key (KEYS[5], KEYS[6]), or several such pairs.
/// ARGV[1] now as 19-digit UTC ticks (so string comparison is numeric comparison), ARGV[2] now as Unix milliseconds,
/// ARGV[3] the change log's MAXLEN (0 = do not publish), ARGV[4] the notification channel, ARGV[5] the user key
/// (or the first of several), then the operation's own arguments.
/// Results are tables tagged by their first element: 'T' kind mismatch (second element: the kind held), other tags per script.
/// </remarks>
internal static class RedisScripts
{
    /// <summary>Helpers every script starts with.</summary>
    private const string Prelude = """
        local STATS, EXPIRY, STREAM, SEQ = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
        local NOW, NOWMS, MAXLEN, CHANNEL = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]

        local function emit(key, kind, old, new, md)
          if MAXLEN == 0 then return end
          local seq = redis.call('INCR', SEQ)
          local a = {'XADD', STREAM, 'MAXLEN', '~', MAXLEN, '*', 'seq', seq, 'key', key, 'type', kind, 'ts', NOWMS}
          if old then a[#a + 1] = 'old'; a[#a + 1] = old end
          if new then a[#a + 1] = 'new'; a[#a + 1] = new end
          if md then a[#a + 1] = 'meta'; a[#a + 1] = md end
          redis.call(unpack(a))
          redis.call('PUBLISH', CHANNEL, seq)
        end

        local function load(mk)
          local f = redis.call('HMGET', mk, 'k', 'i', 'p', 'c', 'u', 'x', 's', 'z', 'm')
          if not f[1] then return nil end
          return {k = f[1], i = f[2], p = f[3], c = f[4], u = f[5], x = f[6], s = tonumber(f[7]), z = tonumber(f[8]), m = f[9]}
        end

        local function size(e)
          local n = e.z + e.s
          if e.m then n = n + #e.m end
          return n
        end

        local function account(count, bytes)
          if count ~= 0 then redis.call('HINCRBY', STATS, 'count', count) end
          if bytes ~= 0 then redis.call('HINCRBY', STATS, 'bytes', bytes) end
        end

        -- A plain value's bytes, for a change record: only read when publishing.
        local function plain(dk, e)
          if MAXLEN == 0 then return nil end
          if e.k == '0' and not e.i then
            local v = redis.call('GET', dk)
            if v then return v end
          end
          return nil
        end

        local function remove(dk, mk, key, e, kind)
          local old = plain(dk, e)
          redis.call('DEL', dk, mk)
          if e.x then redis.call('ZREM', EXPIRY, key) end
          account(-1, -size(e))
          if kind == 4 then redis.call('HINCRBY', STATS, 'expirations', 1) end
          emit(key, kind, old, nil, e.m)
        end

        local function live(dk, mk, key)
          local e = load(mk)
          if not e then return nil end
          if (e.x and e.x <= NOW) or redis.call('EXISTS', dk) == 0 then
            remove(dk, mk, key, e, 4)
            return nil
          end
          return e
        end

        -- Writes an entry's companion hash; prev is the live entry it replaces (nil when there was none), whose
        -- optional fields are removed unless rewritten.
        local function write_meta(mk, prev, k, int, p, c, x, s, z, md)
          if prev then
            local stale = {}
            if prev.i and not int then stale[#stale + 1] = 'i' end
            if prev.x and not x then stale[#stale + 1] = 'x' end
            if prev.m and not md then stale[#stale + 1] = 'm' end
            if #stale > 0 then redis.call('HDEL', mk, unpack(stale)) end
          end
          local a = {'HSET', mk, 'k', k, 'p', p, 'c', c, 'u', NOW, 's', s, 'z', z}
          if int then a[#a + 1] = 'i'; a[#a + 1] = '1' end
          if x then a[#a + 1] = 'x'; a[#a + 1] = x end
          if md then a[#a + 1] = 'm'; a[#a + 1] = md end
          redis.call(unpack(a))
        end

        local function index_expiry(dk, key, prev, x, xms)
          if x then
            redis.call('PEXPIREAT', dk, xms)
            redis.call('ZADD', EXPIRY, xms, key)
          elseif prev and prev.x then
            redis.call('ZREM', EXPIRY, key)
          end
        end

        local function opt(v)
          if v == '' then return false end
          return v
        end

        local function push(cmd, dk, first, last)
          local n = 0
          local i = first
          while i <= last do
            local j = math.min(i + 999, last)
            n = redis.call(cmd, dk, unpack(ARGV, i, j))
            i = j + 1
          end
          return n
        end

        -- Stores a plain value, replacing whatever the key held; keeps the creation time of a live entry.
        local function store_value(dk, mk, key, value, p, x, xms, md, z)
          local e = live(dk, mk, key)
          local old = nil
          if e then old = plain(dk, e) end
          redis.call('SET', dk, value)
          index_expiry(dk, key, e, x, xms)
          local c = NOW
          if e then c = e.c end
          write_meta(mk, e, '0', false, p, c, x, #value, z, md)
          local n = z + #value
          if md then n = n + #md end
          if e then account(0, n - size(e)) else account(1, n) end
          local kind = 0
          if e then kind = 1 end
          emit(key, kind, old, value, md)
        end

        local function delete_entry(dk, mk, key)
          local e = live(dk, mk, key)
          if not e then return 0 end
          remove(dk, mk, key, e, 2)
          return 1
        end

        """;

    /// <summary>
    /// Stores a plain value. ARGV[6] value, [7] priority, [8] expiry ticks or '', [9] expiry ms or '', [10] metadata or
    /// '', [11] key size. The common case (not publishing, no expired entry to reclaim) runs inline before the helpers
    /// are defined: defining them costs a few microseconds of server time per call, more than the store itself.
    /// </summary>
    public static readonly RedisScript Store = new("store", """
        if ARGV[3] == '0' then
          local dk, mk, key, now = KEYS[5], KEYS[6], ARGV[5], ARGV[1]
          local f = redis.call('HMGET', mk, 'k', 'i', 'c', 'x', 's', 'z', 'm')
          if not f[1] or (not (f[4] and f[4] <= now) and redis.call('EXISTS', dk) == 1) then
            local value, x, xms, md, z = ARGV[6], ARGV[8], ARGV[9], ARGV[10], tonumber(ARGV[11])
            redis.call('SET', dk, value)
            if x ~= '' then
              redis.call('PEXPIREAT', dk, xms)
              redis.call('ZADD', KEYS[2], xms, key)
            elseif f[4] then
              redis.call('ZREM', KEYS[2], key)
            end
            if f[1] then
              local stale = {}
              if f[2] then stale[#stale + 1] = 'i' end
              if f[4] and x == '' then stale[#stale + 1] = 'x' end
              if f[7] and md == '' then stale[#stale + 1] = 'm' end
              if #stale > 0 then redis.call('HDEL', mk, unpack(stale)) end
            end
            local a = {'HSET', mk, 'k', '0', 'p', ARGV[7], 'c', f[3] or now, 'u', now, 's', #value, 'z', z}
            if x ~= '' then a[#a + 1] = 'x'; a[#a + 1] = x end
            if md ~= '' then a[#a + 1] = 'm'; a[#a + 1] = md end
            redis.call(unpack(a))
            local n = z + #value + #md
            if f[1] then
              local before = tonumber(f[6]) + tonumber(f[5])
              if f[7] then before = before + #f[7] end
              if n ~= before then redis.call('HINCRBY', KEYS[1], 'bytes', n - before) end
            else
              redis.call('HINCRBY', KEYS[1], 'count', 1)
              redis.call('HINCRBY', KEYS[1], 'bytes', n)
            end
            return 1
          end
        end
        """ + "\n" + Prelude + """
        store_value(KEYS[5], KEYS[6], ARGV[5], ARGV[6], ARGV[7], opt(ARGV[8]), ARGV[9], opt(ARGV[10]), tonumber(ARGV[11]))
        return 1
        """);

    /// <summary>
    /// Runs stores and deletes in order. KEYS[5..] pairs of data and metadata keys; from ARGV[5], eight arguments per
    /// operation: kind ('s' or 'd'), user key, value, priority, expiry ticks, expiry ms, metadata, key size.
    /// Returns one status per operation: 0 stored, 1 deleted, 2 not found.
    /// </summary>
    public static readonly RedisScript Batch = new("batch", Prelude + """
        local out = {}
        local n = (#KEYS - 4) / 2
        for i = 1, n do
          local a = 5 + (i - 1) * 8
          local dk, mk = KEYS[3 + 2 * i], KEYS[4 + 2 * i]
          if ARGV[a] == 's' then
            store_value(dk, mk, ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], opt(ARGV[a + 4]), ARGV[a + 5], opt(ARGV[a + 6]), tonumber(ARGV[a + 7]))
            out[i] = 0
          elseif delete_entry(dk, mk, ARGV[a + 1]) == 1 then
            out[i] = 1
          else
            out[i] = 2
          end
        end
        return out
        """);

    /// <summary>Deletes an entry. Returns 1 when a live entry was deleted.</summary>
    public static readonly RedisScript Delete = new("delete", Prelude + """
        return delete_entry(KEYS[5], KEYS[6], ARGV[5])
        """);

    /// <summary>
    /// Reads an entry. ARGV[6] the operation: 'v' value, 'i' info, 'ha' whole hash, 'hf' field (ARGV[7]), 'hl' hash
    /// length, 'lr' list range (ARGV[7..10]: start from end?, start, end from end?, end), 'll' list length.
    /// Returns nil when the key holds no live entry.
    /// </summary>
    public static readonly RedisScript Read = new("read", Prelude + """
        local dk, mk = KEYS[5], KEYS[6]
        local e = live(dk, mk, ARGV[5])
        if not e then return nil end
        local op = ARGV[6]
        if op == 'i' then
          local len = 1
          if e.k == '1' then len = redis.call('HLEN', dk) elseif e.k == '2' then len = redis.call('LLEN', dk) end
          return {'I', e.k, e.i or '', e.p, e.c, e.u, e.x or '', size(e), len, e.m or ''}
        end
        local need = '2'
        if op == 'v' then need = '0' elseif op == 'ha' or op == 'hf' or op == 'hl' then need = '1' end
        if e.k ~= need then return {'T', e.k} end
        if op == 'v' then return {'V', redis.call('GET', dk), e.i or ''} end
        if op == 'ha' then return {'H', redis.call('HGETALL', dk)} end
        if op == 'hf' then return {'H', redis.call('HGET', dk, ARGV[7])} end
        if op == 'hl' then return {'H', redis.call('HLEN', dk)} end
        if op == 'll' then return {'L', redis.call('LLEN', dk)} end
        local n = redis.call('LLEN', dk)
        local s = tonumber(ARGV[8])
        if ARGV[7] == '1' then s = n - s end
        local t = tonumber(ARGV[10])
        if ARGV[9] == '1' then t = n - t end
        s = math.max(0, math.min(s, n))
        t = math.max(0, math.min(t, n))
        if t <= s then return {'L', {}} end
        return {'L', redis.call('LRANGE', dk, s, t - 1)}
        """);

    /// <summary>
    /// The hot read of a plain value, kept minimal: KEYS[1] data key, KEYS[2] metadata key, ARGV[1] now ticks. Returns
    /// the value's bytes, nil when the key holds no entry, {'C', digits} for a counter, {'T', kind} for another kind, or
    /// {'X'} when the entry has expired and must be reclaimed by <see cref="Read"/>, which publishes and counts it.
    /// </summary>
    public static readonly RedisScript Get = new("read", """
        local f = redis.call('HMGET', KEYS[2], 'k', 'i', 'x')
        if not f[1] then return nil end
        if f[3] and f[3] <= ARGV[1] then return {'X'} end
        if f[1] ~= '0' then return {'T', f[1]} end
        local v = redis.call('GET', KEYS[1])
        if not v then return {'X'} end
        if f[2] then return {'C', v} end
        return v
        """);

    /// <summary>
    /// Adds ARGV[6] (a decimal string) to the counter; ARGV[7] key size. Returns {'N', new value as a string},
    /// {'O', current} on overflow, {'R', bytes} when the key holds a serialized value the client must convert, or {'T', kind}.
    /// The common case (a live counter, not publishing) runs inline before the helpers are defined.
    /// </summary>
    public static readonly RedisScript Increment = new("increment", """
        if ARGV[3] == '0' then
          local f = redis.call('HMGET', KEYS[6], 'k', 'i', 'x', 's')
          if f[1] == '0' and f[2] and not (f[3] and f[3] <= ARGV[1]) and redis.call('EXISTS', KEYS[5]) == 1 then
            local r = redis.pcall('INCRBY', KEYS[5], ARGV[6])
            if type(r) == 'table' and r.err then return {'O', redis.call('GET', KEYS[5])} end
            local v = redis.call('GET', KEYS[5])
            redis.call('HSET', KEYS[6], 'u', ARGV[1], 's', #v)
            if #v ~= tonumber(f[4]) then redis.call('HINCRBY', KEYS[1], 'bytes', #v - tonumber(f[4])) end
            return {'N', v}
          end
        end
        """ + "\n" + Prelude + """
        local dk, mk, key = KEYS[5], KEYS[6], ARGV[5]
        local e = live(dk, mk, key)
        if not e then
          redis.call('SET', dk, ARGV[6])
          redis.call('ZREM', EXPIRY, key)
          local z = tonumber(ARGV[7])
          write_meta(mk, nil, '0', true, '1', NOW, false, #ARGV[6], z, false)
          account(1, z + #ARGV[6])
          emit(key, 0, nil, nil, nil)
          return {'N', ARGV[6]}
        end
        if e.k ~= '0' then return {'T', e.k} end
        if not e.i then return {'R', redis.call('GET', dk)} end
        local r = redis.pcall('INCRBY', dk, ARGV[6])
        if type(r) == 'table' and r.err then return {'O', redis.call('GET', dk)} end
        local v = redis.call('GET', dk)
        redis.call('HSET', mk, 'u', NOW, 's', #v)
        account(0, #v - e.s)
        emit(key, 1, nil, nil, e.m)
        return {'N', v}
        """);

    /// <summary>
    /// Turns a serialized integer into a counter: if the key still holds exactly ARGV[6], stores ARGV[7] (decimal) as
    /// an integer string, keeping TTL, priority and metadata. Returns 1 when done, 0 when the entry changed meanwhile.
    /// </summary>
    public static readonly RedisScript ConvertCounter = new("convert-counter", Prelude + """
        local dk, mk, key = KEYS[5], KEYS[6], ARGV[5]
        local e = live(dk, mk, key)
        if not e or e.k ~= '0' or e.i then return 0 end
        local cur = redis.call('GET', dk)
        if cur ~= ARGV[6] then return 0 end
        redis.call('SET', dk, ARGV[7], 'KEEPTTL')
        redis.call('HSET', mk, 'i', '1', 'u', NOW, 's', #ARGV[7])
        account(0, #ARGV[7] - e.s)
        emit(key, 1, cur, nil, e.m)
        return 1
        """);

    /// <summary>
    /// Compare-and-swap. ARGV[6] expected bytes, [7] new bytes, [8] expected counter value as a decimal string or ''.
    /// Returns {'S'} swapped, {'F'} not swapped, {'I', decimal} when the key holds a counter and no decimal was given, or {'T', kind}.
    /// </summary>
    public static readonly RedisScript CompareAndSwap = new("compare-and-swap", Prelude + """
        local dk, mk, key = KEYS[5], KEYS[6], ARGV[5]
        local e = live(dk, mk, key)
        if not e then return {'F'} end
        if e.k ~= '0' then return {'T', e.k} end
        local cur = redis.call('GET', dk)
        if e.i then
          if ARGV[8] == '' then return {'I', cur} end
          if cur ~= ARGV[8] then return {'F'} end
        elseif cur ~= ARGV[6] then
          return {'F'}
        end
        redis.call('SET', dk, ARGV[7], 'KEEPTTL')
        redis.call('HDEL', mk, 'i')
        redis.call('HSET', mk, 'u', NOW, 's', #ARGV[7])
        account(0, #ARGV[7] - e.s)
        local old = nil
        if not e.i then old = cur end
        emit(key, 1, old, ARGV[7], e.m)
        return {'S'}
        """);

    /// <summary>
    /// Sets an entry's metadata. ARGV[6] 'r' (replace) or 'm' (merge: only if the current metadata is still ARGV[7]),
    /// ARGV[8] the new metadata or ''. Returns 1 updated, 0 no live entry, -1 the metadata changed meanwhile.
    /// </summary>
    public static readonly RedisScript SetMetadata = new("set-metadata", Prelude + """
        local dk, mk, key = KEYS[5], KEYS[6], ARGV[5]
        local e = live(dk, mk, key)
        if not e then return 0 end
        if ARGV[6] == 'm' and (e.m or '') ~= ARGV[7] then return -1 end
        local md = opt(ARGV[8])
        if md then redis.call('HSET', mk, 'm', md) else redis.call('HDEL', mk, 'm') end
        redis.call('HSET', mk, 'u', NOW)
        local before = 0
        if e.m then before = #e.m end
        account(0, #ARGV[8] - before)
        local v = plain(dk, e)
        emit(key, 1, v, v, md)
        return 1
        """);

    /// <summary>Sets one hash field. ARGV[6] field, [7] value, [8] field-name size, [9] key size. Returns {'A', 1 added / 0 overwritten} or {'T', kind}.</summary>
    public static readonly RedisScript SetHashField = new("set-hash-field", Prelude + """
        local dk, mk, key = KEYS[5], KEYS[6], ARGV[5]
        local f, v, fs = ARGV[6], ARGV[7], tonumber(ARGV[8])
        local e = live(dk, mk, key)
        if not e then
          redis.call('DEL', dk)
          redis.call('HSET', dk, f, v)
          redis.call('ZREM', EXPIRY, key)
          local z = tonumber(ARGV[9])
          write_meta(mk, nil, '1', false, '1', NOW, false, fs + #v, z, false)
          account(1, z + fs + #v)
          emit(key, 0, nil, nil, nil)
          return {'A', 1}
        end
        if e.k ~= '1' then return {'T', e.k} end
        local existed = redis.call('HEXISTS', dk, f)
        local delta = fs + #v
        if existed == 1 then delta = #v - redis.call('HSTRLEN', dk, f) end
        redis.call('HSET', dk, f, v)
        redis.call('HSET', mk, 'u', NOW, 's', e.s + delta)
        account(0, delta)
        emit(key, 1, nil, nil, e.m)
        return {'A', 1 - existed}
        """);

    /// <summary>Removes one hash field. ARGV[6] field, [7] field-name size. Returns {'A', 1 removed / 0 absent} or {'T', kind}.</summary>
    public static readonly RedisScript DeleteHashField = new("delete-hash-field", Prelude + """
        local dk, mk, key = KEYS[5], KEYS[6], ARGV[5]
        local f, fs = ARGV[6], tonumber(ARGV[7])
        local e = live(dk, mk, key)
        if not e then return {'A', 0} end
        if e.k ~= '1' then return {'T', e.k} end
        if redis.call('HEXISTS', dk, f) == 0 then return {'A', 0} end
        local delta = fs + redis.call('HSTRLEN', dk, f)
        if redis.call('HLEN', dk) == 1 then
          remove(dk, mk, key, e, 2)
          return {'A', 1}
        end
        redis.call('HDEL', dk, f)
        redis.call('HSET', mk, 'u', NOW, 's', e.s - delta)
        account(0, -delta)
        emit(key, 1, nil, nil, e.m)
        return {'A', 1}
        """);

    /// <summary>
    /// Replaces the whole hash. ARGV[6] priority, [7] expiry ticks or '', [8] expiry ms or '', [9] metadata or '',
    /// [10] key size, [11] payload size, [12..] field and value pairs (at least one pair).
    /// </summary>
    public static readonly RedisScript SetHash = new("set-hash", Prelude + """
        local dk, mk, key = KEYS[5], KEYS[6], ARGV[5]
        local e = live(dk, mk, key)
        local old = nil
        if e then old = plain(dk, e) end
        local x, md, z, s = opt(ARGV[7]), opt(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
        redis.call('DEL', dk)
        push('HSET', dk, 12, #ARGV)
        index_expiry(dk, key, e, x, ARGV[8])
        local c = NOW
        if e then c = e.c end
        write_meta(mk, e, '1', false, ARGV[6], c, x, s, z, md)
        local n = z + s
        if md then n = n + #md end
        if e then account(0, n - size(e)) else account(1, n) end
        local kind = 0
        if e then kind = 1 end
        emit(key, kind, old, nil, md)
        return 1
        """);

    /// <summary>Appends items to a list. ARGV[6] their total size, [7] key size, [8..] the items. Returns {'L', length} or {'T', kind}.</summary>
    public static readonly RedisScript Append = new("append", Prelude + """
        local dk, mk, key = KEYS[5], KEYS[6], ARGV[5]
        local added, n = tonumber(ARGV[6]), #ARGV - 7
        local e = live(dk, mk, key)
        if e and e.k ~= '2' then return {'T', e.k} end
        if n == 0 then
          if not e then return {'L', 0} end
          return {'L', redis.call('LLEN', dk)}
        end
        if not e then
          redis.call('DEL', dk)
          local len = push('RPUSH', dk, 8, #ARGV)
          redis.call('ZREM', EXPIRY, key)
          local z = tonumber(ARGV[7])
          write_meta(mk, nil, '2', false, '1', NOW, false, added, z, false)
          account(1, z + added)
          emit(key, 0, nil, nil, nil)
          return {'L', len}
        end
        local len = push('RPUSH', dk, 8, #ARGV)
        redis.call('HSET', mk, 'u', NOW, 's', e.s + added)
        account(0, added)
        emit(key, 1, nil, nil, e.m)
        return {'L', len}
        """);

    /// <summary>
    /// Reclaims expired entries or clears entries. KEYS[5..] pairs of data and metadata keys; ARGV[5] the mode ('x'
    /// reclaim expired entries only, 'c' remove every entry) and ARGV[6..] the user keys of the pairs. Returns how many
    /// expired entries were reclaimed ('x') or how many live entries were removed ('c').
    /// </summary>
    public static readonly RedisScript Sweep = new("sweep", Prelude + """
        local clear = ARGV[5] == 'c'
        local removed = 0
        local n = (#KEYS - 4) / 2
        for i = 1, n do
          local dk, mk, key = KEYS[3 + 2 * i], KEYS[4 + 2 * i], ARGV[5 + i]
          local e = load(mk)
          if not e then
            redis.call('ZREM', EXPIRY, key)
          elseif (e.x and e.x <= NOW) or redis.call('EXISTS', dk) == 0 then
            remove(dk, mk, key, e, 4)
            if not clear then removed = removed + 1 end
          elseif clear then
            remove(dk, mk, key, e, 2)
            removed = removed + 1
          end
        end
        return removed
        """);

    /// <summary>
    /// One SCAN step over data keys: ARGV[1] cursor, [2] MATCH pattern, [3] COUNT, [4] now ticks, [5] length of the
    /// data-key prefix, [6] the metadata-key prefix. Returns the next cursor followed by the user keys of live entries.
    /// Reads keys it does not declare, so the store does not support Redis Cluster.
    /// </summary>
    public static readonly RedisScript Scan = new("scan", """
        local r = redis.call('SCAN', ARGV[1], 'MATCH', ARGV[2], 'COUNT', ARGV[3])
        local out = {r[1]}
        local plen = tonumber(ARGV[5])
        for _, dk in ipairs(r[2]) do
          local key = string.sub(dk, plen + 1)
          local f = redis.call('HMGET', ARGV[6] .. key, 'k', 'x')
          if f[1] and (not f[2] or f[2] > ARGV[4]) then out[#out + 1] = key end
        end
        return out
        """);
}
