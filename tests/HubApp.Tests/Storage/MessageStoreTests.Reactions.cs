using HubApp.Contracts;
using HubApp.Storage;

namespace HubApp.Tests.Storage;

// Reactions and a conversation's log (docs/protocol.md, "Reactions", "A conversation's log"), decided in the append.
public abstract partial class MessageStoreTests
{
    private static readonly DateTime ReactedAt = new(2026, 12, 6, 12, 0, 0, 9, DateTimeKind.Utc);

    [Fact]
    public async Task AReactionIsStoredOnlyWhenItChangesSomethingAndTheTargetReadsWhoReacted()
    {
        await using var opened = await OpenAsync();
        var store = opened.Store;
        await store.AppendAsync(new WriteBatch([new("a", "u", "U", "one")], [], ReactedAt), null, CancellationToken.None);

        var added = await store.AppendAsync(
            new WriteBatch([], [], ReactedAt, [React("a", "u", 1, "👍"), React("a", "v", 1, "👍"), React("a", "v", 1, ":party:"), React("a", "u", 1, "👍")]),
            null,
            CancellationToken.None);
        var removed = await store.AppendAsync(
            new WriteBatch([], [], ReactedAt, [React("a", "v", 1, ":party:", add: false), React("a", "w", 1, "👍", add: false)]), null, CancellationToken.None);

        Assert.Equal(
            [RoomChangeOutcome.Stored, RoomChangeOutcome.Stored, RoomChangeOutcome.Stored, RoomChangeOutcome.Unchanged],
            added.ChangeAnswers!.Select(a => a.Outcome));
        Assert.Equal(
            [(2L, MessageKinds.React, "👍", "u"), (3L, MessageKinds.React, "👍", "v"), (4L, MessageKinds.React, ":party:", "v")],
            added.Messages.Select(m => (m.Id, m.Kind, m.Text, m.UserId)));
        Assert.All(added.Messages, m => Assert.Equal((1L, (IReadOnlyList<Reaction>?)null), (m.TargetId!.Value, m.Reactions)));
        Assert.Equal([("👍", 2, "u,v"), (":party:", 1, "v")], Summary(added.ChangeAnswers![3].Target!));
        Assert.Equal([RoomChangeOutcome.Stored, RoomChangeOutcome.Unchanged], removed.ChangeAnswers!.Select(a => a.Outcome));
        Assert.Equal([(5L, MessageKinds.Unreact, ":party:")], removed.Messages.Select(m => (m.Id, m.Kind, m.Text)));
        var history = await store.GetAfterAsync("a", 0, 10, CancellationToken.None);
        Assert.Equal([("👍", 2, "u,v")], Summary(history[0]));
        Assert.Equal([("👍", 2, "u,v")], Summary(removed.ChangeAnswers![1].Target!));
        Assert.All(history.Skip(1), m => Assert.Null(m.Reactions));
    }

    [Fact]
    public async Task AMessageTakesNoMoreKindsThanAllowedAndNoReactionOnceDeletedOrOnAnEntry()
    {
        await using var opened = await OpenAsync();
        var store = opened.Store;
        await store.AppendAsync(new WriteBatch([new("a", "u", "U", "one")], [], ReactedAt), null, CancellationToken.None);

        var result = await store.AppendAsync(
            new WriteBatch(
                [],
                [],
                ReactedAt,
                [React("a", "u", 1, "1", max: 2), React("a", "v", 1, "2", max: 2), React("a", "w", 1, "3", max: 2), React("a", "w", 1, "2", max: 2), React("a", "u", 2, "x"), React("a", "u", 9, "x")]),
            null,
            CancellationToken.None);
        var deleted = await store.AppendAsync(
            new WriteBatch([], [], ReactedAt, [Delete("a", "u", 1), React("a", "v", 1, "1"), React("a", "v", 1, "2", add: false)]), null, CancellationToken.None);

        Assert.Equal(
            [RoomChangeOutcome.Stored, RoomChangeOutcome.Stored, RoomChangeOutcome.TooManyKinds, RoomChangeOutcome.Stored, RoomChangeOutcome.NotFound, RoomChangeOutcome.NotFound],
            result.ChangeAnswers!.Select(a => a.Outcome));
        Assert.Equal([RoomChangeOutcome.Stored, RoomChangeOutcome.NotFound, RoomChangeOutcome.NotFound], deleted.ChangeAnswers!.Select(a => a.Outcome));
        var target = (await store.GetAfterAsync("a", 0, 1, CancellationToken.None)).Single();
        Assert.Equal((string.Empty, (IReadOnlyList<Reaction>?)null), (target.Text, target.Reactions));
    }

    [Fact]
    public async Task AReactionCountsEveryUserAndListsTheFirstFifty()
    {
        await using var opened = await OpenAsync();
        var store = opened.Store;
        await store.AppendAsync(new WriteBatch([new("a", "u", "U", "popular")], [], ReactedAt), null, CancellationToken.None);
        var users = Enumerable.Range(0, 51).Select(i => $"u{i:D2}").ToArray();

        var all = await store.AppendAsync(new WriteBatch([], [], ReactedAt, [.. users.Select(u => React("a", u, 1, "👍"))]), null, CancellationToken.None);
        var oneLess = await store.AppendAsync(new WriteBatch([], [], ReactedAt.AddSeconds(1), [React("a", "u00", 1, "👍", add: false)]), null, CancellationToken.None);

        var reaction = Assert.Single(all.ChangeAnswers![^1].Target!.Reactions!);
        Assert.Equal(51, reaction.Count);
        Assert.Equal(users[..50], reaction.UserIds);
        var stored = Assert.Single((await store.GetAfterAsync("a", 0, 1, CancellationToken.None)).Single().Reactions!);
        Assert.Equal(50, stored.Count);
        Assert.Equal(users[1..], stored.UserIds);
        Assert.Equal(stored.UserIds, oneLess.ChangeAnswers![0].Target!.Reactions![0].UserIds);
    }

    [Fact]
    public async Task DirectEditsDeletesAndReactionsAreEntriesOfTheConversationAndOnlyItsPartiesMakeThem()
    {
        await using var opened = await OpenAsync();
        var (store, direct) = (opened.Store, (IDirectMessageStore)opened.Store);
        var sent = await store.AppendAsync(
            new WriteBatch([], [new("u", "U", "v", "hello"), new("v", "V", "u", "hi"), new("w", "W", "x", "elsewhere")], ReactedAt), null, CancellationToken.None);
        var (hello, hi, elsewhere) = (sent.DirectMessages[0], sent.DirectMessages[1], sent.DirectMessages[2]);

        var result = await store.AppendAsync(
            new WriteBatch(
                [],
                [],
                ReactedAt.AddMinutes(1),
                DirectChanges:
                [
                    DirectEdit("u", hello.Id, "hello!"), DirectReact("v", hello.Id, "👍", other: "u"), DirectEdit("v", hello.Id, "not mine"),
                    DirectEdit("w", hello.Id, "not my conversation"), DirectReact("w", hello.Id, "👀"), DirectReact("u", elsewhere.Id, "👀"),
                    DirectReact("u", hello.Id, "👀", other: "w"), DirectDelete("v", hello.Id), DirectEdit("u", hello.Id + 100, "none"),
                    DirectEdit("u", hello.Id, "too late", window: TimeSpan.FromSeconds(1)),
                ]),
            null,
            CancellationToken.None);

        Assert.Equal(
            [RoomChangeOutcome.Stored, RoomChangeOutcome.Stored, RoomChangeOutcome.NotAuthor, RoomChangeOutcome.NotFound, RoomChangeOutcome.NotFound,
             RoomChangeOutcome.NotFound, RoomChangeOutcome.NotFound, RoomChangeOutcome.NotAuthor, RoomChangeOutcome.NotFound, RoomChangeOutcome.WindowPassed],
            result.DirectChangeAnswers!.Select(a => a.Outcome));
        var (edit, react) = (result.DirectMessages[0], result.DirectMessages[1]);
        Assert.Equal(
            [("u", "v", MessageKinds.Edit, "hello!"), ("v", "u", MessageKinds.React, "👍")],
            result.DirectMessages.Select(m => (m.FromUserId, m.ToUserId, m.Kind, m.Text)));
        Assert.All(result.DirectMessages, m => Assert.Equal(hello.Id, m.TargetId));
        Assert.True(react.Id > edit.Id && edit.Id > elsewhere.Id);

        var conversation = await direct.GetConversationBeforeAsync("v", "u", long.MaxValue, 10, CancellationToken.None);
        Assert.Equal([hello.Id, hi.Id, edit.Id, react.Id], conversation.Select(m => m.Id));
        Assert.Equal(("hello!", (DateTime?)ReactedAt.AddMinutes(1)), (conversation[0].Text, conversation[0].EditedAt));
        Assert.Equal([("👍", 1, "v")], Summary(conversation[0]));
        Assert.Equal([edit.Id, react.Id], (await direct.GetDirectAfterAsync("u", hi.Id, 10, CancellationToken.None)).Select(m => m.Id));

        // The conversation's last message is its newest message entry, now; the other user's reaction is not unread.
        var listed = Assert.Single(await direct.GetConversationsAsync("u", 10, 1000, CancellationToken.None));
        Assert.Equal((hi.Id, 1), (listed.LastMessage.Id, listed.UnreadCount));
        var forV = Assert.Single(await direct.GetConversationsAsync("v", 10, 1000, CancellationToken.None));
        Assert.Equal((hi.Id, 1), (forV.LastMessage.Id, forV.UnreadCount));
    }

    [Fact]
    public async Task ADirectDeleteEmptiesTheTargetAndItsEditsAndTakesItsReactions()
    {
        await using var opened = await OpenAsync();
        var (store, direct) = (opened.Store, (IDirectMessageStore)opened.Store);
        var hello = (await store.AppendAsync(new WriteBatch([], [new("u", "U", "v", "secret")], ReactedAt), null, CancellationToken.None)).DirectMessages[0];
        await store.AppendAsync(
            new WriteBatch([], [], ReactedAt, DirectChanges: [DirectEdit("u", hello.Id, "secret, edited"), DirectReact("v", hello.Id, "👍")]), null, CancellationToken.None);

        var deleted = await store.AppendAsync(
            new WriteBatch([], [], ReactedAt, DirectChanges: [DirectDelete("u", hello.Id), DirectDelete("u", hello.Id), DirectEdit("u", hello.Id, "back"), DirectReact("v", hello.Id, "👍", add: false)]),
            null,
            CancellationToken.None);

        Assert.Equal(
            [RoomChangeOutcome.Stored, RoomChangeOutcome.AlreadyDeleted, RoomChangeOutcome.Deleted, RoomChangeOutcome.NotFound],
            deleted.DirectChangeAnswers!.Select(a => a.Outcome));
        Assert.Equal(deleted.DirectChangeAnswers![0].Entry, deleted.DirectChangeAnswers![1].Entry);
        var conversation = await direct.GetConversationBeforeAsync("u", "v", long.MaxValue, 10, CancellationToken.None);
        Assert.Equal(
            [(MessageKinds.Message, "", true, false), (MessageKinds.Edit, "", true, false), (MessageKinds.React, "👍", false, false), (MessageKinds.Delete, "", false, false)],
            conversation.Select(m => (m.Kind, m.Text, m.DeletedAt is not null, m.Reactions is not null)));
        var listed = Assert.Single(await direct.GetConversationsAsync("v", 10, 1000, CancellationToken.None));
        Assert.Equal((hello.Id, "", true), (listed.LastMessage.Id, listed.LastMessage.Text, listed.LastMessage.DeletedAt is not null));
    }

    [Fact]
    public async Task ADirectReplyKeepsItsParentsIdAndARepeatIsAnsweredInItsCurrentState()
    {
        await using var opened = await OpenAsync();
        var store = opened.Store;
        var parent = (await store.AppendAsync(new WriteBatch([], [new("u", "U", "v", "question")], ReactedAt), null, CancellationToken.None)).DirectMessages[0];
        var reply = (await store.AppendAsync(new WriteBatch([], [new("v", "V", "u", "answer", "c-1", parent.Id)], ReactedAt), null, CancellationToken.None)).DirectMessages[0];
        await store.AppendAsync(new WriteBatch([], [], ReactedAt, DirectChanges: [DirectEdit("v", reply.Id, "answer, edited")]), null, CancellationToken.None);

        var repeat = await store.AppendAsync(new WriteBatch([], [new("v", "V", "u", "answer", "c-1", parent.Id)], ReactedAt), null, CancellationToken.None);

        Assert.Equal(parent.Id, reply.ReplyToId);
        Assert.Empty(repeat.DirectMessages);
        Assert.Equal((reply.Id, "answer, edited", (long?)parent.Id), (repeat.DirectAnswers[0]!.Id, repeat.DirectAnswers[0]!.Text, repeat.DirectAnswers[0]!.ReplyToId));
        Assert.True(await ((IDirectMessageStore)store).IsConversationMessageAsync("u", "v", parent.Id, CancellationToken.None));
        Assert.False(await ((IDirectMessageStore)store).IsConversationMessageAsync("u", "w", parent.Id, CancellationToken.None));
    }

    private static IEnumerable<(string Emoji, int Count, string Users)> Summary(ChatMessage message) =>
        (message.Reactions ?? []).Select(r => (r.Emoji, r.Count, string.Join(",", r.UserIds)));

    private static IEnumerable<(string Emoji, int Count, string Users)> Summary(DirectMessage message) =>
        (message.Reactions ?? []).Select(r => (r.Emoji, r.Count, string.Join(",", r.UserIds)));

    private static NewRoomChange React(string room, string userId, long targetId, string emoji, bool add = true, int max = 20) =>
        new(room, userId, userId.ToUpperInvariant(), add ? MessageKinds.React : MessageKinds.Unreact, targetId, emoji, MaxReactionKinds: max);

    private static NewDirectChange DirectEdit(string userId, long targetId, string text, TimeSpan? window = null) =>
        new(userId, userId.ToUpperInvariant(), MessageKinds.Edit, targetId, text, EditWindow: window ?? TimeSpan.FromDays(1));

    private static NewDirectChange DirectDelete(string userId, long targetId) => new(userId, userId.ToUpperInvariant(), MessageKinds.Delete, targetId, string.Empty);

    private static NewDirectChange DirectReact(string userId, long targetId, string emoji, bool add = true, string? other = null) =>
        new(userId, userId.ToUpperInvariant(), add ? MessageKinds.React : MessageKinds.Unreact, targetId, emoji, MaxReactionKinds: 20, OtherUserId: other);
}
