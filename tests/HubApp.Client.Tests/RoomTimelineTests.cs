using HubApp.Contracts;
using static HubApp.Client.Tests.LogFoldingTests;

namespace HubApp.Client.Tests;

public class RoomTimelineTests
{
    [Fact]
    public void Live_entries_fold_onto_held_messages_and_each_returns_what_it_changed()
    {
        var timeline = new RoomTimeline();
        timeline.Load([Message(1, "alice")]);

        var reply = Message(2, "bob") with { ThreadId = 1 };
        Assert.Equal([2L, 1L], timeline.Apply(reply).Select(m => m.Id));
        Assert.Equal(["👍"], timeline.Apply(Reaction(3, "bob", "👍")).Single().Reactions!.Select(r => r.Emoji));
        Assert.Empty(timeline.Apply(Reaction(4, "bob", "👍", targetId: 99)));

        var changed = timeline.Apply(Entry(5, "bob", MessageKinds.Delete, 2, string.Empty));
        Assert.Equal([2L, 1L], changed.Select(m => m.Id));
        Assert.Equal(0, timeline.Find(1)!.Thread!.ReplyCount);
        Assert.Equal(["alice"], timeline.Find(1)!.Thread!.ParticipantIds);
        Assert.NotNull(timeline.Find(2)!.DeletedAt);
    }

    [Fact]
    public void An_entry_already_in_a_messages_state_is_not_folded_again_whether_it_came_live_or_in_a_listing()
    {
        var timeline = new RoomTimeline();
        var reply = Message(2, "bob") with { ThreadId = 1 };
        // The snapshot's root already counts its reply, which the snapshot holds too.
        timeline.Load([Message(1, "alice") with { Thread = new ThreadSummary(1, reply.SentAt, ["alice", "bob"]) }, reply]);
        Assert.Equal(1, timeline.Find(1)!.Thread!.ReplyCount);

        var second = Message(3, "carol") with { ThreadId = 1 };
        timeline.Apply(second);
        // The thread read afterwards brings both replies again: neither counts twice.
        timeline.Load([reply, second]);
        timeline.Apply(second);

        Assert.Equal(2, timeline.Find(1)!.Thread!.ReplyCount);
    }

    [Fact]
    public void The_servers_copy_replaces_what_was_folded()
    {
        var timeline = new RoomTimeline();
        timeline.Load([Message(1, "alice")]);
        timeline.Apply(Reaction(2, "bob", "👍"));

        var stored = Message(1, "alice") with { Reactions = [new Reaction("👍", 2, ["bob", "carol"])] };
        timeline.Load([stored]);
        timeline.Apply(Reaction(2, "bob", "👍"));

        Assert.Same(stored, timeline.Find(1));
        Assert.Equal(3, timeline.Apply(Reaction(3, "dave", "👍")).Single().Reactions!.Single().Count);
    }

    [Fact]
    public void A_timeline_holds_at_most_its_capacity_forgetting_the_oldest()
    {
        var timeline = new RoomTimeline(capacity: 2);

        foreach (var id in new long[] { 1, 2, 3 })
        {
            timeline.Apply(Message(id, "alice"));
        }

        Assert.Null(timeline.Find(1));
        Assert.NotNull(timeline.Find(3));
    }
}
