using AgentMemory.Semantic;
using CsCheck;

namespace AgentMemory.Tests.Semantic;

/// <summary>
/// Random operation sequences on a hierarchy against a plain model of levels, access counts, validations, idle
/// expiry and capacity eviction: every call returns what the model predicts, and the counts agree at the end.
/// </summary>
public sealed class HierarchicalMemoryPropertyTests
{
    private static readonly MemoryScope Alice = MemoryScope.ForUser("alice");

    private static readonly Gen<Op> GenOp = Gen.Frequency(
        (3, Gen.Select(Gen.Int[0, 5], Gen.Int[0, 10], Gen.Int[0, 3]).Select((id, imp, level) => (Op)new Store(id, imp / 10.0, (MemoryLevel)level))),
        (5, Gen.Int[0, 5].Select(id => (Op)new Recall(id))),
        (3, Gen.Int[0, 5].Select(id => (Op)new Validate(id))),
        (1, Gen.Select(Gen.Int[0, 5], Gen.Int[0, 3]).Select((id, level) => (Op)new Move(id, (MemoryLevel)level))),
        (2, Gen.Int[1, 120].Select(minutes => (Op)new Advance(minutes))),
        (1, Gen.Const((Op)new Consolidate())));

    [Fact]
    public void Hierarchy_BehavesLikeTheModel()
    {
        GenOp.Array[1, 50].Sample(ops =>
        {
            using var h = new SemanticHarness();
            var options = new HierarchicalMemoryOptions
            {
                ImmediateCapacity = 3,
                RecentCapacity = 2,
                ImmediateMaxIdle = TimeSpan.FromMinutes(60),
                RecentMaxIdle = TimeSpan.FromMinutes(180),
                PromoteToRecentAfterAccesses = 2,
                PromoteToImportantAboveImportance = 0.6,
                PromoteToLearnedAfterValidations = 2,
            };
            var hierarchy = new HierarchicalMemory(h.Memory, options);
            var model = new Model(options);
            foreach (var op in ops)
            {
                var now = h.Time.GetUtcNow();
                switch (op)
                {
                    case Store s:
                        var stored = hierarchy.StoreAsync(new MemoryInput { Id = $"m{s.Id}", Content = $"note number {s.Id}", Scope = Alice, Importance = s.Importance }, s.Level).AsTask().GetAwaiter().GetResult();
                        stored.Level.Should().Be(s.Level);
                        model.Store($"m{s.Id}", s.Importance, s.Level, now);
                        break;
                    case Recall r:
                        Check(hierarchy.RecallAsync($"m{r.Id}", Alice).AsTask().GetAwaiter().GetResult(), model.Recall($"m{r.Id}", now));
                        break;
                    case Validate v:
                        Check(hierarchy.ValidateAsync($"m{v.Id}", Alice).AsTask().GetAwaiter().GetResult(), model.Validate($"m{v.Id}", now));
                        break;
                    case Move m:
                        Check(hierarchy.MoveAsync($"m{m.Id}", Alice, m.Level).AsTask().GetAwaiter().GetResult(), model.Move($"m{m.Id}", m.Level, now));
                        break;
                    case Advance a:
                        h.Time.Advance(TimeSpan.FromMinutes(a.Minutes));
                        break;
                    case Consolidate:
                        var report = hierarchy.ConsolidateAsync().AsTask().GetAwaiter().GetResult();
                        var (expired, evicted) = model.Consolidate(now);
                        report.ExpiredIds.Should().BeEquivalentTo(expired);
                        report.EvictedIds.Should().BeEquivalentTo(evicted);
                        break;
                }

                var counts = hierarchy.CountByLevelAsync(Alice).AsTask().GetAwaiter().GetResult();
                counts.Should().Equal(model.Counts(h.Time.GetUtcNow()));
            }

            foreach (var (id, state) in model.Memories)
            {
                var actual = hierarchy.GetAsync(id, Alice).AsTask().GetAwaiter().GetResult();
                if (model.Expired(state, h.Time.GetUtcNow()))
                {
                    actual.Should().BeNull();
                }
                else
                {
                    actual!.Level.Should().Be(state.Level);
                    actual.Memory.AccessCount.Should().Be(state.Accesses);
                    actual.Validations.Should().Be(state.Validations);
                }
            }
        }, iter: 100);
    }

    private static void Check(LeveledMemory? actual, (MemoryLevel Level, long Accesses, long Validations, MemoryLevel? From)? expected)
    {
        if (expected is not { } e)
        {
            actual.Should().BeNull();
            return;
        }

        actual.Should().NotBeNull();
        (actual!.Level, actual.Memory.AccessCount, actual.Validations, actual.PromotedFrom).Should().Be((e.Level, e.Accesses, e.Validations, e.From));
    }

    private sealed class State
    {
        public required double Importance { get; init; }

        public required MemoryLevel Level { get; set; }

        public required DateTimeOffset Formed { get; init; }

        public DateTimeOffset? LastAccess { get; set; }

        public long Accesses { get; set; }

        public long Validations { get; set; }
    }

    private sealed class Model(HierarchicalMemoryOptions o)
    {
        public SortedDictionary<string, State> Memories { get; } = new(StringComparer.Ordinal);

        public void Store(string id, double importance, MemoryLevel level, DateTimeOffset now)
        {
            Memories[id] = new State { Importance = importance, Level = level, Formed = now };
            Evict(level, [], id);
        }

        public (MemoryLevel, long, long, MemoryLevel?)? Recall(string id, DateTimeOffset now)
        {
            if (Live(id, now) is not { } s)
            {
                return null;
            }

            s.Accesses++;
            s.LastAccess = now;
            var from = Step(s);
            return (s.Level, s.Accesses, s.Validations, from);
        }

        public (MemoryLevel, long, long, MemoryLevel?)? Validate(string id, DateTimeOffset now)
        {
            if (Live(id, now) is not { } s)
            {
                return null;
            }

            s.Validations++;
            var from = Step(s);
            return (s.Level, s.Accesses, s.Validations, from);
        }

        public (MemoryLevel, long, long, MemoryLevel?)? Move(string id, MemoryLevel level, DateTimeOffset now)
        {
            if (Live(id, now) is not { } s)
            {
                return null;
            }

            s.Level = level;
            Evict(level, [], id);
            return (s.Level, s.Accesses, s.Validations, null);
        }

        public (List<string> Expired, List<string> Evicted) Consolidate(DateTimeOffset now)
        {
            foreach (var s in Memories.Values)
            {
                while (Step(s) is not null)
                {
                }
            }

            var expired = Memories.Where(p => Expired(p.Value, now)).Select(p => p.Key).ToList();
            expired.ForEach(id => Memories.Remove(id));
            var evicted = new List<string>();
            foreach (var level in Enum.GetValues<MemoryLevel>())
            {
                Evict(level, evicted);
            }

            return (expired, evicted);
        }

        public Dictionary<MemoryLevel, int> Counts(DateTimeOffset now) =>
            Enum.GetValues<MemoryLevel>().ToDictionary(l => l, l => Memories.Values.Count(s => s.Level == l && !Expired(s, now)));

        public bool Expired(State s, DateTimeOffset now)
        {
            var idle = s.Level switch { MemoryLevel.Immediate => o.ImmediateMaxIdle, MemoryLevel.Recent => o.RecentMaxIdle, _ => null };
            return idle is { } max && now - (s.LastAccess ?? s.Formed) > max;
        }

        private State? Live(string id, DateTimeOffset now)
        {
            if (!Memories.TryGetValue(id, out var s))
            {
                return null;
            }

            if (Expired(s, now))
            {
                Memories.Remove(id);
                return null;
            }

            return s;
        }

        private MemoryLevel? Step(State s)
        {
            var from = s.Level;
            MemoryLevel? next = s.Level switch
            {
                MemoryLevel.Immediate when s.Accesses > o.PromoteToRecentAfterAccesses => MemoryLevel.Recent,
                MemoryLevel.Recent when s.Importance > o.PromoteToImportantAboveImportance => MemoryLevel.Important,
                MemoryLevel.Important when s.Validations > o.PromoteToLearnedAfterValidations => MemoryLevel.Learned,
                _ => null,
            };
            if (next is { } level)
            {
                s.Level = level;
                return from;
            }

            return null;
        }

        private void Evict(MemoryLevel level, List<string> evicted, string? protectedId = null)
        {
            var capacity = level switch { MemoryLevel.Immediate => o.ImmediateCapacity, MemoryLevel.Recent => o.RecentCapacity, MemoryLevel.Important => o.ImportantCapacity, _ => o.LearnedCapacity };
            var members = Memories.Where(p => p.Value.Level == level).ToList();
            foreach (var victim in members
                .Where(p => p.Key != protectedId)
                .OrderBy(p => p.Value.Importance)
                .ThenBy(p => p.Value.LastAccess ?? p.Value.Formed)
                .ThenBy(p => p.Key, StringComparer.Ordinal)
                .Take(Math.Max(0, members.Count - capacity)))
            {
                Memories.Remove(victim.Key);
                evicted.Add(victim.Key);
            }
        }
    }

    private abstract record Op;

    private sealed record Store(int Id, double Importance, MemoryLevel Level) : Op;

    private sealed record Recall(int Id) : Op;

    private sealed record Validate(int Id) : Op;

    private sealed record Move(int Id, MemoryLevel Level) : Op;

    private sealed record Advance(int Minutes) : Op;

    private sealed record Consolidate : Op;
}
