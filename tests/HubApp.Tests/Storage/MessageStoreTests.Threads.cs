using HubApp.Storage;

namespace HubApp.Tests.Storage;

// Replies, threads, stored mentions and the pruning of what refers to a pruned message.
public abstract partial class MessageStoreTests
{
    private static readonly DateTime ThreadStart = new(2026, 12, 6, 12, 0, 0, 11, DateTimeKind.Utc);

    [Fact]
    public async Task RepliesAndThreadRepliesAreDecidedInTheTransactionAndTheRootCarriesItsSummary()
    {
        await using var opened = await OpenAsync();
        var store = opened.Store;
        // 1 the root, 2 a message, 3 an edit of the root.
        await store.AppendAsync(new WriteBatch([new("a", "u", "U", "root"), new("a", "v", "V", "two")], [], ThreadStart, [Edit("a", "u", 1, "root!")]), null, CancellationToken.None);
        var later = ThreadStart.AddMinutes(1);

        var result = await store.AppendAsync(
            new WriteBatch(
                [
                    new("a", "w", "W", "answer", ReplyToId: 2), new("a", "v", "V", "in the thread", ThreadId: 1),
                    new("a", "w", "W", "a thread in a thread", ThreadId: 5), new("a", "w", "W", "to an edit entry", ReplyToId: 3),
                    new("a", "w", "W", "me too", "c-1", ThreadId: 1), new("a", "w", "W", "to nothing", ReplyToId: 99),
                    new("b", "w", "W", "another room's", ThreadId: 1), new("a", "w", "W", "me too", "c-1", ThreadId: 1),
                ],
                [],
                later),
            null,
            CancellationToken.None);

        Assert.Equal([4L, 5L, null, null, 6L, null, null, 6L], result.MessageAnswers.Select(m => m?.Id));
        Assert.Equal([(4L, (long?)2L, (long?)null), (5L, null, 1L), (6L, null, 1L)], result.Messages.Select(m => (m.Id, m.ReplyToId, m.ThreadId)));
        var root = (await store.GetByIdsAsync("a", [1], CancellationToken.None))[0];
        Assert.Equal((2, (DateTime?)later, "u v w"), (root.Thread!.ReplyCount, root.Thread.LastReplyAt, string.Join(' ', root.Thread.ParticipantIds)));
        Assert.Equal("root!", root.Text);
        // Room b got nothing: not even its counter.
        Assert.Empty(await store.GetLatestAsync("b", 10, CancellationToken.None));

        // Deleting v's reply takes v off the thread; a reply to the deleted one is refused.
        var deleted = await store.AppendAsync(
            new WriteBatch([], [], later.AddMinutes(1), [Delete("a", "v", 5)]), null, CancellationToken.None);
        var toDeleted = await store.AppendAsync(
            new WriteBatch([new("a", "w", "W", "to a deleted one", ReplyToId: 5), new("a", "w", "W", "to a deleted root", ThreadId: 5)], [], later.AddMinutes(2)),
            null,
            CancellationToken.None);

        Assert.Equal(7L, Assert.Single(deleted.Messages).Id);
        Assert.Equal([null, null], toDeleted.MessageAnswers.Select(m => m?.Id));
        var after = await store.GetByIdsAsync("a", [6, 1, 42, 5], CancellationToken.None);
        Assert.Equal([1L, 5L, 6L], after.Select(m => m.Id));
        Assert.Equal((1, (DateTime?)later, "u w"), (after[0].Thread!.ReplyCount, after[0].Thread!.LastReplyAt, string.Join(' ', after[0].Thread!.ParticipantIds)));
        Assert.Equal(("", true), (after[1].Text, after[1].DeletedAt is not null));
        Assert.Null(after[2].Thread);
    }

    [Fact]
    public async Task AThreadIsReadInPagesAfterAnIdAndHoldsOnlyItsReplies()
    {
        await using var opened = await OpenAsync();
        var store = opened.Store;
        await store.AppendAsync(new WriteBatch([new("a", "u", "U", "root"), new("a", "u", "U", "other root")], [], ThreadStart), null, CancellationToken.None);
        await store.AppendAsync(
            new WriteBatch(
                [new("a", "v", "V", "r1", ThreadId: 1), new("a", "v", "V", "elsewhere", ThreadId: 2), new("a", "u", "U", "main"), new("a", "w", "W", "r2", ThreadId: 1), new("a", "v", "V", "r3", ThreadId: 1)],
                [],
                ThreadStart.AddSeconds(1)),
            null,
            CancellationToken.None);

        Assert.Equal(["r1", "r2", "r3"], (await store.GetThreadAsync("a", 1, 0, 10, CancellationToken.None)).Select(m => m.Text));
        Assert.Equal(["r1", "r2"], (await store.GetThreadAsync("a", 1, 0, 2, CancellationToken.None)).Select(m => m.Text));
        Assert.Equal(["r3"], (await store.GetThreadAsync("a", 1, 6, 2, CancellationToken.None)).Select(m => m.Text));
        Assert.Empty(await store.GetThreadAsync("a", 5, 0, 10, CancellationToken.None));
        Assert.Empty(await store.GetThreadAsync("b", 1, 0, 10, CancellationToken.None));
    }

    [Fact]
    public async Task AnEditFindsTheMentionsAfreshAndADeleteTakesThemAway()
    {
        await using var opened = await OpenAsync();
        var store = opened.Store;
        var markers = (IReadMarkerStore)store;
        await store.AppendAsync(new WriteBatch([new("a", "u", "U", "hi @Bob and @carol, @u"), new("a", "u", "U", "hey @bob")], [], ThreadStart), null, CancellationToken.None);

        Assert.Equal(2, (await markers.GetRoomReadStateAsync("bob", "a", 1000, CancellationToken.None)).MentionCount);
        Assert.Equal(1, (await markers.GetRoomReadStateAsync("carol", "a", 1000, CancellationToken.None)).MentionCount);
        Assert.Equal(0, (await markers.GetRoomReadStateAsync("u", "a", 1000, CancellationToken.None)).MentionCount);

        await store.AppendAsync(new WriteBatch([], [], ThreadStart.AddMinutes(1), [Edit("a", "u", 1, "hi @carol only"), Delete("a", "u", 2)]), null, CancellationToken.None);

        var stored = await store.GetByIdsAsync("a", [1, 2], CancellationToken.None);
        Assert.Equal(["carol"], stored[0].Mentions!);
        Assert.Null(stored[1].Mentions);
        Assert.Equal(0, (await markers.GetRoomReadStateAsync("bob", "a", 1000, CancellationToken.None)).MentionCount);
        Assert.Equal(1, (await markers.GetRoomReadStateAsync("carol", "a", 1000, CancellationToken.None)).MentionCount);
    }

    [Fact]
    public async Task PruningCountsMessagesAndTakesTheEntriesThatReferToAPrunedMessage()
    {
        await using var opened = await OpenAsync(maxPerRoom: 2);
        var store = opened.Store;
        // 1 the root, 2–61 more messages; then 62 a reply to the root, 63 a thread reply to it naming @w, 64 an edit of the
        // root: that change takes the room to its pruning step, which keeps the newest two messages (62 and 63, so 1–61 go).
        await store.AppendAsync(
            new WriteBatch([new("a", "u", "U", "root"), .. Enumerable.Range(2, 60).Select(i => new NewChatMessage("a", "v", "V", $"m{i}"))], [], ThreadStart),
            null,
            CancellationToken.None);
        var result = await store.AppendAsync(
            new WriteBatch([new("a", "v", "V", "kept", ReplyToId: 1), new("a", "v", "V", "@w in the thread", ThreadId: 1)], [], ThreadStart.AddMinutes(1), [Edit("a", "u", 1, "root, edited")]),
            null,
            CancellationToken.None);

        Assert.Equal([62L, 63L, (long)HistoryPruning.Step], result.Messages.Select(m => m.Id));
        var left = await store.GetAfterAsync("a", 0, 1000, CancellationToken.None);
        // The thread reply went with its root, the edit with its target; the reply keeps the id it answered.
        Assert.Equal([(62L, (long?)1L)], left.Select(m => (m.Id, m.ReplyToId)));
        Assert.Equal(0, (await ((IReadMarkerStore)store).GetRoomReadStateAsync("w", "a", 1000, CancellationToken.None)).MentionCount);
    }
}
