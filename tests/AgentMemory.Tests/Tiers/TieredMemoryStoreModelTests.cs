using AgentMemory.Persistence;
using AgentMemory.Storage;
using AgentMemory.Tiers;
using CsCheck;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.Tiers;

/// <summary>
/// Differential property test: random operation sequences run against a tiered store with a tiny hot tier (so
/// eviction, hand-down, promotion, consolidation, archiving and restarts all happen) and against an unbounded
/// in-process store as the model. After every step both must hold the same live entries. Sequences per mode come
/// from <c>AGENTMEMORY_MODEL_ITERATIONS</c> (default 25).
/// </summary>
public sealed class TieredMemoryStoreModelTests
{
    private static readonly string[] Keys = ["a", "b", "c", "d", "e", "f"];

    [Theory]
    [InlineData(DurabilityMode.WriteThrough)]
    [InlineData(DurabilityMode.WriteBehind)]
    [InlineData(DurabilityMode.None)]
    public void RandomSequences_BehaveLikeAnUnboundedInProcessStore(DurabilityMode durability)
    {
        var genStep = Gen.Select(Gen.Int[0, 13], Gen.Int[0, Keys.Length - 1], Gen.Int[-3, 3]);
        genStep.Array[1, 50].Sample(
            steps =>
            {
                try
                {
                    Run(durability, steps);
                }
                catch (Exception ex)
                {
                    throw new InvalidOperationException("Steps (op:key:arg): " + string.Join(" ", steps.Select(s => $"{s.Item1}:{Keys[s.Item2]}:{s.Item3}")), ex);
                }
            },
            iter: int.TryParse(Environment.GetEnvironmentVariable("AGENTMEMORY_MODEL_ITERATIONS"), out var n) && n > 0 ? n : 25,
            threads: 1);
    }

    private static void Run(DurabilityMode durability, (int Op, int Key, int Arg)[] steps)
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = new SqlitePersistenceOptions
        {
            Path = directory.File("m.db"),
            ArchiveDirectory = directory.File("archive"),
            Durability = durability,
            Consolidation = { Policies = { new ColdDemotionPolicy(TimeSpan.FromMinutes(1)), new ArchiveAgePolicy(TimeSpan.FromMinutes(2)), new AccessCountPromotionPolicy(2) } },
        };
        TieredMemoryStore Open() => TieredMemoryStore.Open(options, new HotTierOptions { MaxEntries = 2 }, time);
        var tiered = Open();
        using var model = new InMemoryStore(timeProvider: time);
        try
        {
            foreach (var (op, keyIndex, arg) in steps)
            {
                var key = Keys[keyIndex];
                switch (op)
                {
                    case 0:
                    case 1:
                        {
                            var options1 = arg > 0 ? new MemoryEntryOptions { Ttl = TimeSpan.FromMinutes(arg) } : null;
                            Same(() => tiered.StoreAsync(key, (long)arg, options1).AsTask(), () => model.StoreAsync(key, (long)arg, options1).AsTask());
                            break;
                        }

                    case 2:
                        Same(() => tiered.DeleteAsync(key).AsTask(), () => model.DeleteAsync(key).AsTask());
                        break;
                    case 3:
                        Same(() => tiered.IncrementAsync(key, arg).AsTask(), () => model.IncrementAsync(key, arg).AsTask());
                        break;
                    case 4:
                        Same(() => tiered.SetHashFieldAsync(key, "f" + Math.Abs(arg % 2), arg.ToString(System.Globalization.CultureInfo.InvariantCulture)).AsTask(), () => model.SetHashFieldAsync(key, "f" + Math.Abs(arg % 2), arg.ToString(System.Globalization.CultureInfo.InvariantCulture)).AsTask());
                        break;
                    case 5:
                        Same(() => tiered.AppendToListAsync(key, new[] { "x" + arg }).AsTask(), () => model.AppendToListAsync(key, new[] { "x" + arg }).AsTask());
                        break;
                    case 6:
                    case 7:
                        time.Advance(TimeSpan.FromSeconds(20 * (Math.Abs(arg) + 1)));
                        break;
                    case 8:
                        tiered.ConsolidateAsync().AsTask().GetAwaiter().GetResult().Failed.Should().Be(0);
                        break;
                    case 9:
                        if (durability != DurabilityMode.None)
                        {
                            tiered.Dispose();
                            tiered = Open();
                        }

                        break;
                    case 10:
                        tiered.FlushAsync().AsTask().GetAwaiter().GetResult();
                        break;
                    case 11:
                        {
                            var longTerm = new MemoryEntryOptions { Tier = MemoryTier.LongTerm, Ttl = arg > 0 ? TimeSpan.FromMinutes(arg) : null };
                            var plain = new MemoryEntryOptions { Ttl = longTerm.Ttl };
                            Same(() => tiered.StoreAsync(key, (long)arg * 10, longTerm).AsTask(), () => model.StoreAsync(key, (long)arg * 10, plain).AsTask());
                            break;
                        }

                    case 12:
                        Same(() => tiered.RetrieveRawAsync(key).AsTask().ContinueWith(t => t.Result?.ToArray(), TaskScheduler.Default), () => model.RetrieveRawAsync(key).AsTask().ContinueWith(t => t.Result?.ToArray(), TaskScheduler.Default));
                        break;
                    default:
                        Same(() => tiered.GetHashLengthAsync(key).AsTask(), () => model.GetHashLengthAsync(key).AsTask());
                        break;
                }

                Compare(tiered, model);
            }
        }
        finally
        {
            tiered.Dispose();
        }
    }

    private static void Same<T>(Func<Task<T>> actual, Func<Task<T>> expected)
    {
        Exception? expectedError = null, actualError = null;
        T? expectedValue = default, actualValue = default;
        try
        {
            expectedValue = expected().GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is MemoryException or ArgumentException)
        {
            expectedError = ex;
        }

        try
        {
            actualValue = actual().GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is MemoryException or ArgumentException)
        {
            actualError = ex;
        }

        actualError?.GetType().Should().Be(expectedError?.GetType(), actualError?.Message);
        if (expectedError is not null)
        {
            actualError.Should().NotBeNull($"the model threw {expectedError.GetType().Name}: {expectedError.Message}");
        }

        actualValue.Should().BeEquivalentTo(expectedValue);
    }

    private static void Same(Func<Task> actual, Func<Task> expected) =>
        Same(async () => { await actual(); return 0; }, async () => { await expected(); return 0; });

    private static void Compare(TieredMemoryStore tiered, InMemoryStore model)
    {
        var expectedKeys = model.ListKeysAsync(limit: 100).AsTask().GetAwaiter().GetResult();
        tiered.ListKeysAsync(limit: 100).AsTask().GetAwaiter().GetResult().Should().Equal(expectedKeys);
        tiered.GetStatisticsAsync().AsTask().GetAwaiter().GetResult().EntryCount.Should().Be(expectedKeys.Count);
        foreach (var key in Keys)
        {
            var expected = model.GetEntryInfoAsync(key).AsTask().GetAwaiter().GetResult();
            var actual = tiered.GetEntryInfoAsync(key).AsTask().GetAwaiter().GetResult();
            if (expected is null)
            {
                actual.Should().BeNull($"'{key}' is absent in the model");
                continue;
            }

            actual.Should().NotBeNull($"'{key}' is present in the model");
            actual!.Kind.Should().Be(expected.Kind);
            actual.Length.Should().Be(expected.Length);
            actual.ExpiresAt.Should().Be(expected.ExpiresAt);
            switch (expected.Kind)
            {
                case MemoryEntryKind.Value:
                    tiered.RetrieveRawAsync(key).AsTask().GetAwaiter().GetResult()!.Value.ToArray()
                        .Should().Equal(model.RetrieveRawAsync(key).AsTask().GetAwaiter().GetResult()!.Value.ToArray());
                    break;
                case MemoryEntryKind.Hash:
                    tiered.GetHashAsync<string>(key).AsTask().GetAwaiter().GetResult()
                        .Should().BeEquivalentTo(model.GetHashAsync<string>(key).AsTask().GetAwaiter().GetResult());
                    break;
                default:
                    tiered.GetListAsync<string>(key).AsTask().GetAwaiter().GetResult()
                        .Should().Equal(model.GetListAsync<string>(key).AsTask().GetAwaiter().GetResult());
                    break;
            }
        }
    }
}
