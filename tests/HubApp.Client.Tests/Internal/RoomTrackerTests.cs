using HubApp.Client.Internal;
using HubApp.Contracts;

namespace HubApp.Client.Tests.Internal;

public class RoomTrackerTests
{
    [Fact]
    public void Live_messages_of_a_joined_room_are_delivered_once_and_only_when_newer()
    {
        var tracker = Joined(Snapshot(complete: true, 1, 2));

        Assert.Equal([3L], Ids(tracker.Live(Message(3))));
        Assert.Empty(tracker.Live(Message(3)));
        Assert.Empty(tracker.Live(Message(2)));
        Assert.Equal(3, tracker.LastSeen);
    }

    [Fact]
    public void Live_messages_during_a_join_are_held_then_released_in_id_order_when_newer_than_the_snapshot()
    {
        var tracker = new RoomTracker();
        tracker.BeginJoin();

        Assert.Empty(tracker.Live(Message(4)));
        Assert.Empty(tracker.Live(Message(2)));
        Assert.Empty(tracker.Live(Message(3)));

        Assert.Equal([3L, 4L], Ids(tracker.EndJoin(null, Snapshot(complete: true, 1, 2))));
        Assert.Equal(4, tracker.LastSeen);
    }

    [Fact]
    public void A_live_message_that_skips_an_id_is_held_until_a_catch_up_brings_the_missing_one_first()
    {
        var tracker = Joined(Snapshot(complete: true, 1, 2));

        Assert.Empty(tracker.Live(Message(4)));
        Assert.True(tracker.TakeRepair());
        Assert.False(tracker.TakeRepair());
        tracker.BeginCatchUp();
        Assert.Empty(tracker.Live(Message(5)));

        Assert.Equal([3L, 4L], Ids(tracker.CatchUp(Snapshot(complete: true, 3, 4))));
        Assert.Equal([5L], Ids(tracker.EndCatchUp()));
        Assert.Equal(5, tracker.LastSeen);
        Assert.False(tracker.RepairNeeded);
    }

    [Fact]
    public void A_gap_among_messages_held_during_a_join_asks_for_a_repair_and_keeps_the_ones_past_it()
    {
        var tracker = new RoomTracker();
        tracker.BeginJoin();
        tracker.Live(Message(3));
        tracker.Live(Message(5));

        Assert.Equal([3L], Ids(tracker.EndJoin(null, Snapshot(complete: true, 1, 2))));
        Assert.True(tracker.TakeRepair());
        tracker.BeginCatchUp();

        Assert.Equal([4L, 5L], Ids(tracker.CatchUp(Snapshot(complete: true, 4, 5))));
        Assert.Empty(tracker.EndCatchUp());
        Assert.Equal([6L], Ids(tracker.Live(Message(6))));
    }

    [Fact]
    public void The_last_seen_id_is_the_larger_of_since_id_and_the_snapshots_newest()
    {
        var tracker = new RoomTracker();
        tracker.BeginJoin();

        tracker.EndJoin(50, Snapshot(complete: true));

        Assert.Equal(50, tracker.LastSeen);
        Assert.Empty(tracker.Live(Message(50)));
        Assert.Equal([51L], Ids(tracker.Live(Message(51))));
    }

    [Fact]
    public void After_an_incomplete_snapshot_live_messages_are_left_to_the_next_join()
    {
        var tracker = Joined(Snapshot(complete: false, 1, 2));

        Assert.Empty(tracker.Live(Message(10)));
        tracker.BeginJoin();
        Assert.Empty(tracker.Live(Message(11)));

        Assert.Equal([11L], Ids(tracker.EndJoin(2, Snapshot(complete: true, 3, 4, 10))));
        Assert.Equal([12L], Ids(tracker.Live(Message(12))));
    }

    [Fact]
    public void A_failed_join_of_a_new_room_delivers_nothing_and_leaves_it_idle()
    {
        var tracker = new RoomTracker();
        tracker.BeginJoin();
        tracker.Live(Message(1));

        Assert.Empty(tracker.FailJoin());
        Assert.True(tracker.Idle);
    }

    [Fact]
    public void A_catch_up_delivers_only_unseen_messages_and_then_the_newer_held_ones()
    {
        var tracker = Joined(Snapshot(complete: true, 1, 2));
        tracker.BeginCatchUp();
        Assert.Empty(tracker.Live(Message(6)));
        Assert.Empty(tracker.Live(Message(7)));

        Assert.Equal([3L, 4L], Ids(tracker.CatchUp(Snapshot(complete: false, 2, 3, 4))));
        Assert.Equal([5L, 6L], Ids(tracker.CatchUp(Snapshot(complete: true, 5, 6))));
        Assert.Equal([7L], Ids(tracker.EndCatchUp()));
        Assert.Equal([8L], Ids(tracker.Live(Message(8))));
    }

    [Fact]
    public void A_failed_catch_up_drops_held_messages_so_that_no_gap_opens()
    {
        var tracker = Joined(Snapshot(complete: true, 1, 2));
        tracker.BeginCatchUp();
        Assert.Equal([3L], Ids(tracker.CatchUp(Snapshot(complete: false, 3))));
        Assert.Empty(tracker.Live(Message(9)));

        Assert.Empty(tracker.FailJoin());
        Assert.Equal(3, tracker.LastSeen);
    }

    [Fact]
    public void A_left_room_delivers_nothing_and_is_idle()
    {
        var tracker = Joined(Snapshot(complete: true, 1));

        tracker.Leave();

        Assert.Empty(tracker.Live(Message(2)));
        Assert.True(tracker.Idle);
    }

    [Fact]
    public void Reactions_and_thread_replies_take_ids_of_the_log_so_a_missing_one_is_a_gap_and_the_repair_brings_it()
    {
        var tracker = Joined(Snapshot(complete: true, 1));

        Assert.Equal([2L], Ids(tracker.Live(Message(2) with { Kind = MessageKinds.React, TargetId = 1, Text = "👍" })));
        Assert.Equal([3L], Ids(tracker.Live(Message(3) with { ThreadId = 1 })));
        // 4 (an unreact, say) was lost on its way: 5 is held until the repair brings 4.
        Assert.Empty(tracker.Live(Message(5) with { Kind = MessageKinds.React, TargetId = 3, Text = "❤" }));
        Assert.True(tracker.TakeRepair());
        tracker.BeginCatchUp();

        Assert.Equal([4L], Ids(tracker.CatchUp(Snapshot(complete: true, 4))));
        Assert.Equal([5L], Ids(tracker.EndCatchUp()));
        Assert.Equal(5, tracker.LastSeen);
    }

    private static RoomTracker Joined(RoomSnapshot snapshot)
    {
        var tracker = new RoomTracker();
        tracker.BeginJoin();
        tracker.EndJoin(null, snapshot);
        return tracker;
    }

    private static ChatMessage Message(long id) => new(id, "lobby", "u1", "alice", $"m{id}", DateTime.UnixEpoch);

    private static RoomSnapshot Snapshot(bool complete, params long[] ids) => new("lobby", [], [.. ids.Select(Message)], complete);

    private static long[] Ids(IReadOnlyList<ChatMessage> messages) => [.. messages.Select(m => m.Id)];
}
