using CsCheck;

namespace AgentMemory.Tests.Locks;

/// <summary>Random acquire/extend/release/advance sequences by three owners against a model of one lease and a token counter.</summary>
public sealed class MemoryStoreLockProviderModelTests
{
    [Fact]
    public void RandomOperations_MatchTheModel()
    {
        // (operation, owner, seconds): 0-1 acquire, 2 extend, 3 release, 4 advance the clock.
        var op = Gen.Select(Gen.Int[0, 4], Gen.Int[0, 2], Gen.Int[1, 20]);
        op.Array[1, 60].Sample(
            ops =>
            {
                using var h = new LockHarness();
                var leases = new ILockLease?[3];
                int? holder = null;
                var expiresAt = DateTimeOffset.MinValue;
                long granted = 0;
                foreach (var (kind, owner, seconds) in ops)
                {
                    var now = h.Time.GetUtcNow();
                    var held = holder is not null && expiresAt > now;
                    switch (kind)
                    {
                        case 0 or 1:
                            var lease = h.Locks.TryAcquireAsync("r", LockHarness.Options(seconds)).AsTask().GetAwaiter().GetResult();
                            if ((lease is not null) == held)
                            {
                                return false;
                            }

                            if (lease is not null)
                            {
                                if (lease.FencingToken != ++granted)
                                {
                                    return false;
                                }

                                leases[owner] = lease;
                                holder = owner;
                                expiresAt = now.AddSeconds(seconds);
                            }

                            break;
                        case 2 when leases[owner] is { } mine:
                            var current = held && holder == owner && ReferenceEquals(mine, leases[holder.Value]);
                            if (mine.ExtendAsync(TimeSpan.FromSeconds(seconds)).AsTask().GetAwaiter().GetResult() != current)
                            {
                                return false;
                            }

                            if (current)
                            {
                                expiresAt = now.AddSeconds(seconds);
                            }

                            break;
                        case 3 when leases[owner] is { } mine:
                            var wasCurrent = held && holder == owner;
                            if (mine.ReleaseAsync().AsTask().GetAwaiter().GetResult() != wasCurrent)
                            {
                                return false;
                            }

                            if (holder == owner)
                            {
                                holder = null;
                            }

                            leases[owner] = null;
                            break;
                        case 4:
                            h.Time.Advance(TimeSpan.FromSeconds(seconds));
                            break;
                    }

                    var info = h.Locks.GetLockInfoAsync("r").AsTask().GetAwaiter().GetResult();
                    var stillHeld = holder is not null && expiresAt > h.Time.GetUtcNow();
                    if ((info is not null) != stillHeld || (info is not null && (info.FencingToken != granted || info.ExpiresAt != expiresAt)))
                    {
                        return false;
                    }
                }

                return true;
            },
            iter: 150);
    }
}
