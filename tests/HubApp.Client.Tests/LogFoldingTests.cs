using HubApp.Contracts;

namespace HubApp.Client.Tests;

public class LogFoldingTests
{
    private static readonly DateTime T0 = new(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void React_and_unreact_entries_count_each_users_reaction_once_and_drop_an_emoji_nobody_has_left()
    {
        var target = Message(1, "alice");

        var folded = Fold(target, Reaction(2, "bob", "👍"), Reaction(3, "carol", "👍"), Reaction(4, "bob", "👍"), Reaction(5, "carol", "❤"));

        Assert.Equal([("👍", 2), ("❤", 1)], folded.Reactions!.Select(r => (r.Emoji, r.Count)));
        Assert.Equal(["bob", "carol"], folded.Reactions![0].UserIds);
        var taken = Fold(folded, Reaction(6, "carol", "❤", add: false), Reaction(7, "dave", "👍", add: false), Reaction(8, "bob", "👍", add: false));
        Assert.Equal([("👍", 1)], taken.Reactions!.Select(r => (r.Emoji, r.Count)));
        Assert.Equal(["carol"], taken.Reactions![0].UserIds);
        Assert.Null(Fold(taken, Reaction(9, "carol", "👍", add: false)).Reactions);
    }

    [Fact]
    public void An_unreact_by_a_user_the_server_did_not_list_counts_down_and_one_by_a_user_with_no_reaction_does_not()
    {
        var listed = Enumerable.Range(0, 50).Select(i => $"u{i}").ToArray();
        var target = Message(1, "alice") with { Reactions = [new Reaction("👍", 60, listed)] };

        Assert.Equal(59, Fold(target, Reaction(2, "u99", "👍", add: false)).Reactions![0].Count);
        Assert.Equal(61, Fold(target, Reaction(2, "u99", "👍")).Reactions![0].Count);
        Assert.Same(target.Reactions, Fold(target, Reaction(2, "u0", "👍")).Reactions);
    }

    [Fact]
    public void Thread_replies_count_on_their_root_with_the_last_time_and_each_participant_once_and_a_deleted_reply_counts_off()
    {
        var root = Message(1, "alice");
        var first = Message(2, "bob") with { ThreadId = 1, SentAt = T0.AddMinutes(1) };
        var second = Message(3, "bob") with { ThreadId = 1, SentAt = T0.AddMinutes(2) };
        var third = Message(4, "carol") with { ThreadId = 1, SentAt = T0.AddMinutes(3) };

        var folded = Fold(root, first, second, third, Message(5, "dave") with { ThreadId = 9 });

        Assert.Equal((3, (DateTime?)T0.AddMinutes(3)), (folded.Thread!.ReplyCount, folded.Thread.LastReplyAt));
        Assert.Equal(["alice", "bob", "carol"], folded.Thread.ParticipantIds);
        Assert.Equal(2, LogFolding.RemoveReply(folded, second).Thread!.ReplyCount);
        // Knowing every reply left, the participants are their authors: carol's only reply gone, she is no more one.
        Assert.Equal(["alice", "bob"], LogFolding.RemoveReply(folded, third, [first, second]).Thread!.ParticipantIds);
        Assert.Equal(["alice", "bob", "carol"], LogFolding.RemoveReply(folded, third, [second]).Thread!.ParticipantIds);
        Assert.Same(folded, LogFolding.RemoveReply(folded, Message(5, "dave") with { ThreadId = 9 }));
    }

    [Fact]
    public void An_edit_sets_the_text_a_delete_empties_the_message_and_an_edit_after_the_delete_changes_nothing()
    {
        var target = Message(1, "alice") with { Reactions = [new Reaction("👍", 1, ["bob"])] };

        var edited = Fold(target, Entry(2, "alice", MessageKinds.Edit, 1, "fixed"));
        var deleted = Fold(edited, Entry(3, "alice", MessageKinds.Delete, 1, string.Empty), Entry(4, "alice", MessageKinds.Edit, 1, "again"));

        Assert.Equal(("fixed", (DateTime?)T0), (edited.Text, edited.EditedAt));
        Assert.Equal((string.Empty, (DateTime?)T0, (IReadOnlyList<Reaction>?)null), (deleted.Text, deleted.DeletedAt, deleted.Reactions));
        Assert.Same(target, LogFolding.Fold(target, Entry(5, "alice", MessageKinds.Edit, 7, "another message's")));
    }

    [Fact]
    public void A_direct_messages_entries_fold_like_a_rooms_with_the_sender_as_the_reactor()
    {
        var target = new DirectMessage(1, "alice", "Alice", "bob", "hi", T0);

        var folded = new[]
        {
            new DirectMessage(2, "bob", "Bob", "alice", "👋", T0, Kind: MessageKinds.React, TargetId: 1),
            new DirectMessage(3, "alice", "Alice", "bob", "hi!", T0, Kind: MessageKinds.Edit, TargetId: 1),
            new DirectMessage(4, "bob", "Bob", "alice", "👋", T0, Kind: MessageKinds.React, TargetId: 7),
        }.Aggregate(target, LogFolding.Fold);

        Assert.Equal("hi!", folded.Text);
        Assert.Equal(["bob"], folded.Reactions!.Single().UserIds);
        var deleted = LogFolding.Fold(folded, new DirectMessage(5, "alice", "Alice", "bob", string.Empty, T0, Kind: MessageKinds.Delete, TargetId: 1));
        Assert.Equal((string.Empty, (IReadOnlyList<Reaction>?)null), (deleted.Text, deleted.Reactions));
        Assert.NotNull(deleted.DeletedAt);
    }

    internal static ChatMessage Message(long id, string user) => new(id, "lobby", user, user, $"m{id}", T0);

    internal static ChatMessage Entry(long id, string user, string kind, long targetId, string text) =>
        new(id, "lobby", user, user, text, T0, kind, targetId);

    internal static ChatMessage Reaction(long id, string user, string emoji, bool add = true, long targetId = 1) =>
        Entry(id, user, add ? MessageKinds.React : MessageKinds.Unreact, targetId, emoji);

    private static ChatMessage Fold(ChatMessage target, params ChatMessage[] entries) => entries.Aggregate(target, LogFolding.Fold);
}
