namespace AgentMemory.Redis.Locks;

/// <summary>
/// The Lua scripts of <see cref="RedisDistributedLockProvider"/>. Each runs atomically on the server. Times are unix
/// milliseconds of the caller's <see cref="TimeProvider"/> (the logical clock); the native PEXPIRE only lets the server
/// reclaim memory of a lease nobody released, and is never shorter than the logical lease.
/// </summary>
/// <remarks>
/// Keys per resource: the lease hash (<c>id</c>, <c>tok</c>, <c>own</c>, <c>acq</c>, <c>exp</c>), the fencing
/// counter (a plain INCR counter that never expires, so tokens grow across lease expiry) and the fenced-write guard
/// hash (<c>id</c>, <c>exp</c>).
/// </remarks>
internal static class LockScripts
{
    /// <summary>
    /// KEYS: lease, fence, guard. ARGV: now, expiry, ttl ms, lease id, owner ("=name" or "").
    /// Returns {1, token} when granted; {0, ms until which the holder or a fenced write blocks} otherwise.
    /// </summary>
    public const string Acquire = """
        local now = tonumber(ARGV[1])
        local exp = redis.call('HGET', KEYS[1], 'exp')
        if exp and tonumber(exp) > now then return {0, exp} end
        local gexp = redis.call('HGET', KEYS[3], 'exp')
        if gexp and tonumber(gexp) > now then return {0, gexp} end
        local token = redis.call('INCR', KEYS[2])
        redis.call('DEL', KEYS[1])
        if ARGV[5] ~= '' then
          redis.call('HSET', KEYS[1], 'id', ARGV[4], 'tok', token, 'acq', ARGV[1], 'exp', ARGV[2], 'own', string.sub(ARGV[5], 2))
        else
          redis.call('HSET', KEYS[1], 'id', ARGV[4], 'tok', token, 'acq', ARGV[1], 'exp', ARGV[2])
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return {1, token}
        """;

    /// <summary>KEYS: lease. ARGV: lease id, now, new expiry, ttl ms. Returns 1 when extended, 0 when the lease is gone, superseded or expired.</summary>
    public const string Extend = """
        if redis.call('HGET', KEYS[1], 'id') ~= ARGV[1] then return 0 end
        if tonumber(redis.call('HGET', KEYS[1], 'exp')) <= tonumber(ARGV[2]) then return 0 end
        redis.call('HSET', KEYS[1], 'exp', ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return 1
        """;

    /// <summary>
    /// KEYS: lease. ARGV: lease id, now, release channel, resource. Deletes the lease if it is still this one and
    /// announces the release. Returns 1 when it was live, 0 when it was gone, superseded or already expired.
    /// </summary>
    public const string Release = """
        if redis.call('HGET', KEYS[1], 'id') ~= ARGV[1] then return 0 end
        local exp = tonumber(redis.call('HGET', KEYS[1], 'exp'))
        redis.call('DEL', KEYS[1])
        redis.call('PUBLISH', ARGV[3], ARGV[4])
        if exp > tonumber(ARGV[2]) then return 1 end
        return 0
        """;

    /// <summary>
    /// KEYS: fence, guard. ARGV: token, guard id, now, guard expiry, guard ttl ms.
    /// Returns {1, newest} when the token is the newest grant and the guard is now held; {0, newest} when the token is
    /// stale or was never granted; {-1, ms} while another fenced write of the resource holds the guard.
    /// </summary>
    public const string BeginFenced = """
        local newest = tonumber(redis.call('GET', KEYS[1]) or '0')
        if newest ~= tonumber(ARGV[1]) or newest <= 0 then return {0, newest} end
        local gexp = redis.call('HGET', KEYS[2], 'exp')
        if gexp and tonumber(gexp) > tonumber(ARGV[3]) then return {-1, gexp} end
        redis.call('DEL', KEYS[2])
        redis.call('HSET', KEYS[2], 'id', ARGV[2], 'exp', ARGV[4])
        redis.call('PEXPIRE', KEYS[2], ARGV[5])
        return {1, newest}
        """;

    /// <summary>KEYS: guard. ARGV: guard id, release channel, resource. Drops the guard if it is still this write's, and announces it.</summary>
    public const string EndFenced = """
        if redis.call('HGET', KEYS[1], 'id') ~= ARGV[1] then return 0 end
        redis.call('DEL', KEYS[1])
        redis.call('PUBLISH', ARGV[2], ARGV[3])
        return 1
        """;
}
