using HubApp.Contracts;
using HubApp.Storage;

namespace HubApp.Tests.Storage;

/// <summary>What every <see cref="IMessageStore"/> does, run against each provider by a subclass.</summary>
public abstract partial class MessageStoreTests : IAsyncLifetime
{
    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ABatchGetsPerRoomIdsInOrderAndOneTimestamp()
    {
        await using var opened = await OpenAsync();
        var store = opened.Store;
        var sentAt = new DateTime(2026, 11, 21, 12, 0, 0, 123, DateTimeKind.Utc);

        var result = await store.AppendAsync(
            new WriteBatch(
                [new("a", "u1", "U1", "one"), new("b", "u1", "U1", "two"), new("a", "u2", "U2", "three")],
                [new("u1", "U1", "u2", "direct")],
                sentAt),
            null,
            CancellationToken.None);

        Assert.Equal([("a", 1L), ("b", 1L), ("a", 2L)], result.Messages.Select(m => (m.Room, m.Id)));
        Assert.All(result.Messages, m => Assert.Equal(sentAt, m.SentAt));
        Assert.Equal(1, Assert.Single(result.DirectMessages).Id);
        Assert.Equal(result.Messages.Where(m => m.Room == "a"), await store.GetLatestAsync("a", 10, CancellationToken.None));
    }

    [Fact]
    public async Task IdsContinueAfterReopeningTheStore()
    {
        await using (var first = await OpenAsync())
        {
            await first.Store.AppendAsync(new WriteBatch([new("a", "u", "U", "x"), new("a", "u", "U", "y")], [], DateTime.UtcNow), null, CancellationToken.None);
        }

        await using var second = await OpenAsync();
        var result = await second.Store.AppendAsync(new WriteBatch([new("a", "u", "U", "z")], [], DateTime.UtcNow), null, CancellationToken.None);

        Assert.Equal(3, result.Messages[0].Id);
    }

    [Fact]
    public async Task TextIsStoredByteForByte()
    {
        await using var opened = await OpenAsync();
        const string hostile = "'; DROP TABLE messages; -- <img src=x onerror=alert(1)> \u202Eevil\u0000nul 👋 \u0301\u0301";

        await opened.Store.AppendAsync(new WriteBatch([new("a", "u", "U", hostile)], [new("u", "U", "v", hostile)], DateTime.UtcNow), null, CancellationToken.None);

        Assert.Equal(hostile, (await opened.Store.GetAfterAsync("a", 0, 10, CancellationToken.None)).Single().Text);
    }

    [Fact]
    public async Task ALongTextWithNulCharactersIsStoredWhole()
    {
        // Long enough that a provider binding strings as C strings would cut it at the first NUL.
        await using var opened = await OpenAsync();
        var text = new string('\u0301', 3000) + "\u0000after the nul\u0000";

        await opened.Store.AppendAsync(new WriteBatch([new("a", "u", "U", text)], [], DateTime.UtcNow), null, CancellationToken.None);

        Assert.Equal(text, (await opened.Store.GetLatestAsync("a", 1, CancellationToken.None)).Single().Text);
    }

    [Fact]
    public async Task HistoryPagesGoBothWaysInIdOrder()
    {
        await using var opened = await OpenAsync();
        var store = opened.Store;
        await store.AppendAsync(new WriteBatch([.. Enumerable.Range(1, 10).Select(i => new NewChatMessage("a", "u", "U", $"m{i}"))], [], DateTime.UtcNow), null, CancellationToken.None);

        Assert.Equal([4L, 5L, 6L], (await store.GetAfterAsync("a", 3, 3, CancellationToken.None)).Select(m => m.Id));
        Assert.Equal([5L, 6L, 7L], (await store.GetBeforeAsync("a", 8, 3, CancellationToken.None)).Select(m => m.Id));
        Assert.Equal([9L, 10L], (await store.GetLatestAsync("a", 2, CancellationToken.None)).Select(m => m.Id));
        Assert.Empty(await store.GetLatestAsync("elsewhere", 2, CancellationToken.None));
    }

    [Fact]
    public async Task ARepeatedClientMessageIdIsAnsweredWithTheStoredMessageAndTakesNoId()
    {
        await using var opened = await OpenAsync();
        var store = opened.Store;
        var sentAt = new DateTime(2026, 12, 1, 12, 0, 0, 5, DateTimeKind.Utc);
        var first = await store.AppendAsync(new WriteBatch([new("a", "u", "U", "x", "c-1")], [], sentAt), null, CancellationToken.None);

        var second = await store.AppendAsync(
            new WriteBatch([new("a", "u", "U", "x again", "c-1"), new("a", "v", "V", "other", "c-1"), new("b", "u", "U", "elsewhere", "c-1")], [], sentAt.AddSeconds(1)),
            null,
            CancellationToken.None);

        var original = Assert.Single(first.Messages);
        Assert.Equal(("x", "c-1", MessageKinds.Message, 1L), (original.Text, original.ClientMessageId, original.Kind, original.Id));
        Assert.Equal(original, second.MessageAnswers[0]);
        Assert.Equal([("a", 2L, "v"), ("b", 1L, "u")], second.Messages.Select(m => (m.Room, m.Id, m.UserId)));
        Assert.Equal(second.Messages, second.MessageAnswers.Skip(1));
        Assert.Equal([original, second.Messages[0]], await store.GetLatestAsync("a", 10, CancellationToken.None));
    }

    [Fact]
    public async Task RepeatsWithinOneBatchStoreOneMessageAndEveryWriteGetsIt()
    {
        await using var opened = await OpenAsync();
        var store = opened.Store;

        var result = await store.AppendAsync(
            new WriteBatch(
                [new("a", "u", "U", "one", "c"), new("a", "v", "V", "no id"), new("a", "u", "U", "one", "c"), new("a", "v", "V", "no id")],
                [new("u", "U", "v", "dm", "d"), new("u", "U", "w", "dm", "d"), new("u", "U", "v", "dm", "d")],
                new DateTime(2026, 12, 1, 12, 0, 0, 5, DateTimeKind.Utc)),
            null,
            CancellationToken.None);

        Assert.Equal([1L, 2L, 3L], result.Messages.Select(m => m.Id));
        Assert.Equal([1L, 2L, 1L, 3L], result.MessageAnswers.Select(m => m!.Id));
        Assert.Equal(2, result.DirectMessages.Count);
        Assert.Equal(result.DirectAnswers[0], result.DirectAnswers[2]);
        Assert.Equal(result.DirectMessages, result.DirectAnswers.Take(2));
        Assert.Equal([1L, 2L, 3L], (await store.GetLatestAsync("a", 10, CancellationToken.None)).Select(m => m.Id));
    }

    [Fact]
    public async Task ARepeatedDirectMessageIsAnsweredWithTheStoredOneAndStoresNothing()
    {
        await using var opened = await OpenAsync();
        var store = opened.Store;
        var sentAt = new DateTime(2026, 12, 1, 12, 0, 0, 5, DateTimeKind.Utc);
        var first = await store.AppendAsync(new WriteBatch([], [new("u", "U", "v", "psst", "d-1")], sentAt), null, CancellationToken.None);

        var again = await store.AppendAsync(new WriteBatch([new("a", "u", "U", "meanwhile")], [new("u", "U", "v", "psst", "d-1"), new("v", "V", "u", "reply", "d-1")], sentAt.AddSeconds(1)), null, CancellationToken.None);

        Assert.Equal(new DirectMessage(first.DirectMessages[0].Id, "u", "U", "v", "psst", sentAt, "d-1"), again.DirectAnswers[0]);
        Assert.Equal(("v", "reply"), (Assert.Single(again.DirectMessages).FromUserId, again.DirectMessages[0].Text));
        Assert.Equal(again.DirectMessages[0], again.DirectAnswers[1]);
        Assert.Single(again.Messages);
    }

    [Fact]
    public async Task DirectReadsAndReadMarkersWorkOnEveryProvider()
    {
        await using var opened = await OpenAsync();
        var store = opened.Store;
        var stored = await store.AppendAsync(
            new WriteBatch([new("a", "v", "V", "one"), new("a", "u", "U", "two")], [new("u", "U", "v", "d1"), new("v", "V", "u", "d2"), new("u", "U", "w", "d3")], new DateTime(2026, 12, 1, 12, 0, 0, 5, DateTimeKind.Utc)),
            null,
            CancellationToken.None);
        var (direct, markers) = ((IDirectMessageStore)store, (IReadMarkerStore)store);
        var d = stored.DirectMessages;

        Assert.Equal([d[0], d[1]], await direct.GetConversationBeforeAsync("v", "u", long.MaxValue, 10, CancellationToken.None));
        Assert.Equal([d[1], d[2]], await direct.GetDirectAfterAsync("u", d[0].Id, 10, CancellationToken.None));
        Assert.Equal([d[2]], await direct.GetDirectLatestAsync("u", 1, CancellationToken.None));
        Assert.Equal(d[1].Id, await markers.MoveDirectMarkerAsync("u", "v", long.MaxValue, CancellationToken.None));
        Assert.Null(await markers.MoveDirectMarkerAsync("u", "v", d[0].Id, CancellationToken.None));
        Assert.Equal(
            [("w", "w", d[2].Id, 0L, 0), ("v", "V", d[1].Id, d[1].Id, 0)],
            (await direct.GetConversationsAsync("u", 10, 1000, CancellationToken.None)).Select(c => (c.UserId, c.UserName, c.LastMessage.Id, c.LastReadId, c.UnreadCount)));
        Assert.Equal(new RoomReadState(0, 1), await markers.GetRoomReadStateAsync("u", "a", 1000, CancellationToken.None));
        Assert.Equal(2L, await markers.MoveRoomMarkerAsync("u", "a", 7, CancellationToken.None));
        Assert.Null(await markers.MoveRoomMarkerAsync("u", "a", 1, CancellationToken.None));
        Assert.Null(await markers.MoveRoomMarkerAsync("u", "no-such-room", 1, CancellationToken.None));
        Assert.Equal(new RoomReadState(2, 0), await markers.GetRoomReadStateAsync("u", "a", 1000, CancellationToken.None));
    }

    [Fact]
    public async Task ChangesTakeTheRoomsNextIdsAfterTheBatchsMessagesAndRewriteTheirTargets()
    {
        await using var opened = await OpenAsync();
        var store = opened.Store;
        var sentAt = new DateTime(2026, 12, 1, 12, 0, 0, 7, DateTimeKind.Utc);
        await store.AppendAsync(new WriteBatch([new("a", "u", "U", "one"), new("a", "v", "V", "two")], [], sentAt), null, CancellationToken.None);
        var later = sentAt.AddMinutes(1);

        // In one batch: a message, an edit, a delete of the edited message (it sees the edit), a repeat of that delete,
        // refusals of each kind, and a moderator's delete of someone else's message.
        var result = await store.AppendAsync(
            new WriteBatch(
                [new("a", "u", "U", "three")],
                [],
                later,
                [
                    Edit("a", "u", 1, "one, edited"), Delete("a", "u", 1), Delete("a", "u", 1), Edit("a", "u", 1, "after the delete"),
                    Edit("a", "u", 2, "not mine"), Delete("a", "u", 2), Edit("a", "u", 99, "none"), Edit("a", "u", 4, "an edit entry"),
                    Edit("b", "u", 1, "no such room"), Delete("a", "w", 2, mayDeleteOthers: true),
                ]),
            null,
            CancellationToken.None);

        var answers = result.ChangeAnswers!;
        Assert.Equal(
            [RoomChangeOutcome.Stored, RoomChangeOutcome.Stored, RoomChangeOutcome.AlreadyDeleted, RoomChangeOutcome.Deleted, RoomChangeOutcome.NotAuthor,
             RoomChangeOutcome.NotAuthor, RoomChangeOutcome.NotFound, RoomChangeOutcome.NotFound, RoomChangeOutcome.NotFound, RoomChangeOutcome.Stored],
            answers.Select(a => a.Outcome));
        Assert.Equal(answers[1].Entry, answers[2].Entry);
        Assert.Equal(
            [(3L, MessageKinds.Message, (long?)null), (4L, MessageKinds.Edit, 1L), (5L, MessageKinds.Delete, 1L), (6L, MessageKinds.Delete, 2L)],
            result.Messages.Select(m => (m.Id, m.Kind, m.TargetId)));
        Assert.Equal(result.Messages.Skip(1), answers.Where(a => a.Outcome == RoomChangeOutcome.Stored).Select(a => a.Entry!));
        Assert.Equal(
            [(1L, "", (DateTime?)later, (DateTime?)later), (2L, "", null, later), (3L, "three", null, null), (4L, "", null, later), (5L, "", null, null), (6L, "", null, null)],
            (await store.GetAfterAsync("a", 0, 10, CancellationToken.None)).Select(m => (m.Id, m.Text, m.EditedAt, m.DeletedAt)));
        // u's two message entries count for v (one deleted since); the edit and delete entries do not.
        Assert.Equal(new RoomReadState(0, 2), await ((IReadMarkerStore)store).GetRoomReadStateAsync("v", "a", 1000, CancellationToken.None));
    }

    [Fact]
    public async Task AnEditOutsideTheWindowIsRefusedAndOneInsideIsStored()
    {
        await using var opened = await OpenAsync();
        var store = opened.Store;
        var sentAt = new DateTime(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);
        await store.AppendAsync(new WriteBatch([new("a", "u", "U", "one")], [], sentAt), null, CancellationToken.None);

        var late = await store.AppendAsync(new WriteBatch([], [], sentAt.AddHours(2), [Edit("a", "u", 1, "late", TimeSpan.FromHours(1))]), null, CancellationToken.None);
        var inTime = await store.AppendAsync(new WriteBatch([], [], sentAt.AddHours(1), [Edit("a", "u", 1, "in time", TimeSpan.FromHours(1))]), null, CancellationToken.None);

        Assert.Equal(RoomChangeOutcome.WindowPassed, Assert.Single(late.ChangeAnswers!).Outcome);
        Assert.Empty(late.Messages);
        Assert.Equal((2L, "in time"), (inTime.Messages[0].Id, inTime.Messages[0].Text));
    }

    [Fact]
    public async Task EachConversationIsPrunedToMaxMessagesPerRoomOnItsOwn()
    {
        await using var opened = await OpenAsync(maxPerRoom: 10);
        var (store, direct) = (opened.Store, (IDirectMessageStore)opened.Store);
        // Whole milliseconds, as the store keeps them.
        var sentAt = new DateTime(2026, 12, 1, 12, 0, 0, 5, DateTimeKind.Utc);
        var toW = (await store.AppendAsync(new WriteBatch([], [new("u", "U", "w", "kept: a small conversation")], sentAt), null, CancellationToken.None)).DirectMessages[0];
        var toV = new List<DirectMessage>();
        for (var i = 0; i < 70; i++)
        {
            toV.Add((await store.AppendAsync(new WriteBatch([], [new("u", "U", "v", $"m{i}")], sentAt), null, CancellationToken.None)).DirectMessages[0]);
        }

        var left = await direct.GetConversationBeforeAsync("u", "v", long.MaxValue, 200, CancellationToken.None);

        Assert.InRange(left.Count, 10, 10 + HistoryPruning.Step - 1); // pruned in steps, as rooms
        Assert.True(left.Count < 70);
        Assert.Equal(toV[^left.Count..], left);
        Assert.Equal([toW], await direct.GetConversationBeforeAsync("w", "u", long.MaxValue, 200, CancellationToken.None));
    }

    [Fact]
    public async Task UnreadCountsStopAtTheirCapInARoomAndAConversation()
    {
        await using var opened = await OpenAsync();
        var store = opened.Store;
        var many = Enumerable.Range(0, 1005).ToArray();
        await store.AppendAsync(new WriteBatch([.. many.Select(i => new NewChatMessage("a", "v", "V", $"m{i}"))], [.. many.Select(i => new NewDirectMessage("v", "V", "u", $"d{i}"))], DateTime.UtcNow), null, CancellationToken.None);
        var markers = (IReadMarkerStore)store;

        Assert.Equal(new RoomReadState(0, 1000), await markers.GetRoomReadStateAsync("u", "a", 1000, CancellationToken.None));
        Assert.Equal(1000, Assert.Single(await ((IDirectMessageStore)store).GetConversationsAsync("u", 10, 1000, CancellationToken.None)).UnreadCount);
        await markers.MoveRoomMarkerAsync("u", "a", 10, CancellationToken.None);
        Assert.Equal(new RoomReadState(10, 995), await markers.GetRoomReadStateAsync("u", "a", 1000, CancellationToken.None));
    }

    private static NewRoomChange Edit(string room, string userId, long targetId, string text, TimeSpan? window = null) =>
        new(room, userId, userId.ToUpperInvariant(), MessageKinds.Edit, targetId, text, EditWindow: window ?? TimeSpan.FromDays(1));

    private static NewRoomChange Delete(string room, string userId, long targetId, bool mayDeleteOthers = false) =>
        new(room, userId, userId.ToUpperInvariant(), MessageKinds.Delete, targetId, string.Empty, mayDeleteOthers);

    [Fact]
    public async Task AFailingStoreThrowsStoreUnavailable()
    {
        await using var broken = CreateBroken();

        await Assert.ThrowsAsync<StoreUnavailableException>(() => broken.Store.PingAsync(CancellationToken.None));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => broken.Store.AppendAsync(new WriteBatch([new("a", "u", "U", "x")], [], DateTime.UtcNow), null, CancellationToken.None));
    }

    /// <summary>A store on this test's database, initialized; <paramref name="maxPerRoom"/> is <c>History:MaxMessagesPerRoom</c>.</summary>
    private protected abstract Task<OpenStore> OpenAsync(int? maxPerRoom = null);

    /// <summary>A store that cannot reach its database.</summary>
    private protected abstract OpenStore CreateBroken();

    /// <summary>A store and whatever must be disposed with it.</summary>
    private protected sealed class OpenStore(IMessageStore store, params IAsyncDisposable[] owned) : IAsyncDisposable
    {
        public IMessageStore Store { get; } = store;

        public async ValueTask DisposeAsync()
        {
            foreach (var item in owned)
            {
                await item.DisposeAsync();
            }
        }
    }
}
