using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Hubs;

public sealed partial class ChatHubTests
{
    // The contract's cap on unreadCount (snapshot and conversations): "at most 1000".
    private const int UnreadCap = 1000;

    [Theory]
    [InlineData(ChatProtocol.Json)]
    [InlineData(ChatProtocol.MessagePack)]
    public async Task PostingTwiceWithOneClientMessageIdReturnsTheSameMessageDeliversItOnceAndTakesNoId(ChatProtocol protocol)
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = host.CreateClient("alice", protocol: protocol);
        await using var bob = host.CreateClient("bob");
        var received = await BothInRoomAsync(alice, bob);

        var first = await alice.PostMessageAsync("room", "hello", "msg-1").DefaultTimeout();
        var again = await alice.PostMessageAsync("room", "hello", "msg-1").DefaultTimeout();
        var next = await alice.PostMessageAsync("room", "next", null).DefaultTimeout();

        Assert.Equal(first, again);
        Assert.Equal((MessageKinds.Message, "msg-1", (long?)null, (DateTime?)null, (DateTime?)null), (first.Kind, first.ClientMessageId, first.TargetId, first.EditedAt, first.DeletedAt));
        Assert.Equal(first.Id + 1, next.Id);
        Assert.Null(next.ClientMessageId);
        Assert.Equal(first, await received.NextAsync());
        Assert.Equal(next, await received.NextAsync());
        Assert.Equal([first, next], await alice.GetHistoryAsync("room", null, 10).DefaultTimeout());
    }

    [Fact]
    public async Task ARepeatAfterTheHostRestartedOnTheSameFileReturnsTheFirstEntryAndStoresNothing()
    {
        var host = await HubAppHost.StartAsync();
        ChatMessage first;
        await using (var alice = await host.ConnectAsync("alice"))
        {
            await alice.JoinRoomAsync("room").DefaultTimeout();
            first = await alice.PostMessageAsync("room", "before the restart", "kept-id").DefaultTimeout();
        }

        // The first host's file stays (its directory is deleted only when it is disposed, at the end).
        await host.StopAsync();
        ChatMessage again, next;
        IReadOnlyList<ChatMessage> history;
        await using (var restarted = await HubAppHost.StartAsync(dataDirectory: host.DataDirectory))
        await using (var alice = await restarted.ConnectAsync("alice"))
        {
            await alice.JoinRoomAsync("room").DefaultTimeout();
            again = await alice.PostMessageAsync("room", "before the restart", "kept-id").DefaultTimeout();
            next = await alice.PostMessageAsync("room", "after", null).DefaultTimeout();
            history = await alice.GetHistoryAsync("room", null, 10).DefaultTimeout();
        }

        await host.DisposeAsync();

        Assert.Equal(first, again);
        Assert.Equal(first.Id + 1, next.Id);
        Assert.Equal([first, next], history);
    }

    [Fact]
    public async Task UnreadCountsStopAtAThousandInTheSnapshotAndTheConversations()
    {
        const int Sent = UnreadCap + 5;
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?>
        {
            ["Limits:MessagesPerSecond"] = "100000",
            ["Limits:Burst"] = "100000",
        });
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice");
        await using var bob = await RawChatConnection.ConnectAsync(host.BaseAddress, "bob");
        await alice.JoinAsync("room");
        // In waves of 50 at once, so the group commit batches them; ids are consecutive all the same.
        for (var wave = 0; wave < Sent / 50 + 1; wave++)
        {
            var count = Math.Min(50, Sent - (wave * 50));
            await Task.WhenAll(Enumerable.Range(0, count).Select(i => alice.SendAsync("room", $"m{wave}-{i}")));
            await Task.WhenAll(Enumerable.Range(0, count).Select(i => alice.SendDirectAsync("bob", $"d{wave}-{i}")));
        }

        var snapshot = await bob.JoinAsync("room");
        var conversation = Assert.Single(await bob.ConversationsAsync());

        Assert.Equal((0L, UnreadCap), (snapshot.LastReadId, snapshot.UnreadCount));
        Assert.Equal(("alice", 0L, UnreadCap), (conversation.UserId, conversation.LastReadId, conversation.UnreadCount));
        // One read marker a few entries in brings the count under the cap: it counts, not just caps.
        await bob.MarkReadAsync("room", 10);
        Assert.Equal(Sent - 10, (await bob.JoinAsync("room", sinceId: Sent)).UnreadCount);
    }

    [Fact]
    public async Task FiveConcurrentRepeatsStoreOneMessageAndOtherSendersInTheSameBatchesAreNotFailed()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = host.CreateClient("alice");
        await using var bob = host.CreateClient("bob");
        var received = await BothInRoomAsync(alice, bob);

        var repeats = Enumerable.Range(0, 5).Select(_ => alice.PostMessageAsync("room", "once", "same-id")).ToArray();
        var others = Enumerable.Range(0, 5).Select(i => bob.PostMessageAsync("room", $"bob {i}", $"bob-{i}")).ToArray();
        var answers = await Task.WhenAll(repeats).DefaultTimeout();
        var bobs = await Task.WhenAll(others).DefaultTimeout();

        Assert.Single(answers.Distinct());
        Assert.Equal(5, bobs.Select(m => m.Id).Distinct().Count());
        var history = await bob.GetHistoryAsync("room", null, 50).DefaultTimeout();
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], history.Select(m => m.Id));
        Assert.Single(history, m => m.ClientMessageId == "same-id");
        Assert.Equal(history, await received.WaitForCountAsync(6));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("emoji👋")]
    [InlineData("dot.not-allowed")]
    [InlineData("trailing-newline\n")]
    [InlineData("x0123456789012345678901234567890123456789012345678901234567890123")]
    public async Task AMalformedClientMessageIdIsRefusedWithInvalidMessageAndNothingIsStored(string clientMessageId)
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        await alice.JoinRoomAsync("room").DefaultTimeout();

        var room = await Assert.ThrowsAsync<ChatException>(() => alice.PostMessageAsync("room", "hi", clientMessageId).DefaultTimeout());
        var direct = await Assert.ThrowsAsync<ChatException>(() => alice.PostDirectMessageAsync("bob", "hi", clientMessageId).DefaultTimeout());

        Assert.Equal(ErrorCodes.InvalidMessage, room.Code);
        Assert.Equal(ErrorCodes.InvalidMessage, direct.Code);
        Assert.Empty(await alice.GetHistoryAsync("room", null, 10).DefaultTimeout());
    }

    [Fact]
    public async Task AClientMessageIdOf64CharactersIsAccepted()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        await alice.JoinRoomAsync("room").DefaultTimeout();
        var longest = new string('a', 32) + new string('Z', 16) + "0123456789_-_-_-";

        var stored = await alice.PostMessageAsync("room", "hi", longest).DefaultTimeout();

        Assert.Equal(longest, stored.ClientMessageId);
    }

    [Fact]
    public async Task PostingADirectMessageTwiceWithOneIdReturnsTheSameMessageAndDeliversItOnce()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice", "Alice");
        await using var bob = await host.ConnectAsync("bob");
        var received = new Inbox<DirectMessage>();
        bob.DirectMessageReceived += received.Add;

        var first = await alice.PostDirectMessageAsync("bob", "psst", "dm-1").DefaultTimeout();
        var again = await alice.PostDirectMessageAsync("bob", "psst", "dm-1").DefaultTimeout();
        var toCarol = await alice.PostDirectMessageAsync("carol", "psst", "dm-1").DefaultTimeout();
        var barrier = await alice.SendDirectMessageAsync("bob", "barrier").DefaultTimeout();

        Assert.Equal(first, again);
        Assert.Equal("dm-1", first.ClientMessageId);
        Assert.NotEqual(first.Id, toCarol.Id);
        Assert.Equal(first, await received.NextAsync());
        Assert.Equal(barrier, await received.NextAsync());
    }

    /// <summary>Starts both clients and joins them to "room"; returns what <paramref name="receiver"/> gets there.</summary>
    private static async Task<Inbox<ChatMessage>> BothInRoomAsync(ChatClient sender, ChatClient receiver)
    {
        var received = new Inbox<ChatMessage>();
        receiver.MessageReceived += received.Add;
        foreach (var client in new[] { sender, receiver })
        {
            await client.StartAsync().DefaultTimeout();
            await client.JoinRoomAsync("room").DefaultTimeout();
        }

        return received;
    }
}
