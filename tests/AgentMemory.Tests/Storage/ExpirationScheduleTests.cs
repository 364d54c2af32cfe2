using AgentMemory.Storage;

namespace AgentMemory.Tests.Storage;

public sealed class ExpirationScheduleTests
{
    private static MemoryEntry Entry(string key)
    {
        var state = new EntryState(MemoryEntryKind.Value, new byte[] { 1 }, 1, 1, null, MemoryPriority.Normal, 0, 0, EntryState.NoExpiry, 2L * key.Length);
        return new MemoryEntry(key, 0, state);
    }

    private static List<string> TakeDue(ExpirationSchedule schedule, long now, int max = int.MaxValue)
    {
        var due = new List<MemoryEntry>();
        schedule.TakeDue(now, max, due);
        return due.Select(e => e.Key).ToList();
    }

    [Fact]
    public void TakeDue_ReturnsOnlyEntriesDueByNowInExpiryOrder()
    {
        var schedule = new ExpirationSchedule();
        schedule.Schedule(Entry("late"), 300);
        schedule.Schedule(Entry("early"), 100);
        schedule.Schedule(Entry("middle"), 200);

        TakeDue(schedule, 99).Should().BeEmpty();
        TakeDue(schedule, 200).Should().Equal("early", "middle");
        TakeDue(schedule, 1_000).Should().Equal("late");
        schedule.Count.Should().Be(0);
    }

    [Fact]
    public void TakeDue_RespectsTheMaximum()
    {
        var schedule = new ExpirationSchedule();
        for (var i = 0; i < 5; i++)
        {
            schedule.Schedule(Entry($"k{i}"), 10 + i);
        }

        TakeDue(schedule, 100, max: 2).Should().Equal("k0", "k1");
        TakeDue(schedule, 100, max: 2).Should().Equal("k2", "k3");
        TakeDue(schedule, 100, max: 2).Should().Equal("k4");
    }

    [Fact]
    public void Schedule_LaterExpiryWhileAnEarlierIsPending_DoesNotGrowTheHeap()
    {
        var schedule = new ExpirationSchedule();
        var entry = Entry("k");

        schedule.Schedule(entry, 100);
        for (var i = 0; i < 1_000; i++)
        {
            schedule.Schedule(entry, 200 + i);
        }

        schedule.Count.Should().Be(1);
        entry.ScheduledExpiry.Should().Be(100);
    }

    [Fact]
    public void Schedule_EarlierExpiry_SupersedesTheLaterOneAndTheEntryIsTakenOnce()
    {
        var schedule = new ExpirationSchedule();
        var entry = Entry("k");

        schedule.Schedule(entry, 500);
        schedule.Schedule(entry, 100);

        TakeDue(schedule, 100).Should().Equal("k");
        TakeDue(schedule, 1_000).Should().BeEmpty("the superseded later item is skipped");
        entry.ScheduledExpiry.Should().Be(0);
    }

    [Fact]
    public void Schedule_AfterBeingTaken_CanBeScheduledAgain()
    {
        var schedule = new ExpirationSchedule();
        var entry = Entry("k");
        schedule.Schedule(entry, 100);
        TakeDue(schedule, 100).Should().Equal("k");

        schedule.Schedule(entry, 400);

        TakeDue(schedule, 399).Should().BeEmpty();
        TakeDue(schedule, 400).Should().Equal("k");
    }

    [Fact]
    public void Clear_EmptiesTheScheduleAndResetsEntries()
    {
        var schedule = new ExpirationSchedule();
        var entry = Entry("k");
        schedule.Schedule(entry, 100);

        schedule.Clear();

        schedule.Count.Should().Be(0);
        entry.ScheduledExpiry.Should().Be(0);
        TakeDue(schedule, long.MaxValue).Should().BeEmpty();
    }

    [Fact]
    public void SweepExpired_DirectCall_ReclaimsDueEntriesAndReschedulesMovedOnes()
    {
        using var h = new StoreHarness(o => o.ExpirationScanInterval = TimeSpan.FromDays(1));
        h.Memory.StoreAsync("expires", 1, new MemoryEntryOptions { Ttl = TimeSpan.FromSeconds(1) }).Sync();
        h.Memory.StoreAsync("extended", 1, new MemoryEntryOptions { Ttl = TimeSpan.FromSeconds(1) }).Sync();
        h.Memory.StoreAsync("extended", 2, new MemoryEntryOptions { Ttl = TimeSpan.FromSeconds(3) }).Sync();
        h.Time.Advance(TimeSpan.FromSeconds(1));

        h.Store.SweepExpired().Should().Be(1);
        h.Stats().EntryCount.Should().Be(1);

        h.Time.Advance(TimeSpan.FromSeconds(2));
        h.Store.SweepExpired().Should().Be(1);
        h.Stats().EntryCount.Should().Be(0);
        h.Store.SweepExpired().Should().Be(0);
    }
}
