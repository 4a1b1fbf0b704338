using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Hubs;

/// <summary>The hub's methods and events, each through the real host and the .NET client.</summary>
public sealed partial class ChatHubTests
{
    [Fact]
    public async Task ASentMessageIsStoredAndReachesEveryConnectionInTheRoomTheSendersIncluded()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice", "Alice");
        await using var bob = await host.ConnectAsync("bob", "Bob");
        await using var carol = await host.ConnectAsync("carol");
        var aliceInbox = new Inbox<ChatMessage>();
        var bobInbox = new Inbox<ChatMessage>();
        var carolInbox = new Inbox<ChatMessage>();
        alice.MessageReceived += aliceInbox.Add;
        bob.MessageReceived += bobInbox.Add;
        carol.MessageReceived += carolInbox.Add;
        await alice.JoinRoomAsync("room").DefaultTimeout();
        await bob.JoinRoomAsync("room").DefaultTimeout();
        await carol.JoinRoomAsync("elsewhere").DefaultTimeout();

        var sent = await alice.SendMessageAsync("ROOM", "hello, world").DefaultTimeout();

        Assert.Equal(("room", "alice", "Alice", "hello, world"), (sent.Room, sent.UserId, sent.UserName, sent.Text));
        Assert.Equal(DateTimeKind.Utc, sent.SentAt.Kind);
        Assert.Equal(sent, await aliceInbox.NextAsync());
        Assert.Equal(sent, await bobInbox.NextAsync());
        var history = await bob.GetHistoryAsync("room", null, 10).DefaultTimeout();
        Assert.Equal([sent], history);
        // Carol is in another room: a message there proves nothing from "room" reached her first.
        var other = await bob.JoinRoomAsync("elsewhere").DefaultTimeout();
        var barrier = await bob.SendMessageAsync("elsewhere", "barrier").DefaultTimeout();
        Assert.Equal(barrier, await carolInbox.NextAsync());
        Assert.Empty(other.Messages);
    }

    [Fact]
    public async Task IdsStrictlyIncreasePerRoomAndStartOverInEachRoom()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        await alice.JoinRoomAsync("one").DefaultTimeout();
        await alice.JoinRoomAsync("two").DefaultTimeout();

        var first = await alice.SendMessageAsync("one", "a").DefaultTimeout();
        var second = await alice.SendMessageAsync("one", "b").DefaultTimeout();
        var other = await alice.SendMessageAsync("two", "c").DefaultTimeout();

        Assert.True(second.Id > first.Id);
        Assert.Equal(1, first.Id);
        Assert.Equal(1, other.Id);
    }

    [Fact]
    public async Task SendingTypingOrReadingHistoryInARoomNotJoinedIsRefusedWithNotInRoom()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        await using var bob = await host.ConnectAsync("bob");
        await bob.JoinRoomAsync("room").DefaultTimeout();

        var send = await Assert.ThrowsAsync<ChatException>(() => alice.SendMessageAsync("room", "hi").DefaultTimeout());
        var typing = await Assert.ThrowsAsync<ChatException>(() => alice.TypingAsync("room", true).DefaultTimeout());
        var history = await Assert.ThrowsAsync<ChatException>(() => alice.GetHistoryAsync("room", null, 10).DefaultTimeout());

        Assert.All([send, typing, history], e => Assert.Equal(ErrorCodes.NotInRoom, e.Code));
        Assert.Contains("not_in_room: ", send.Message, StringComparison.Ordinal);
        Assert.Empty(await bob.GetHistoryAsync("room", null, 10).DefaultTimeout());
        Assert.Equal("pong", await alice.PingAsync().DefaultTimeout());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\r\n")]
    public async Task AnEmptyOrBlankMessageIsRefusedWithInvalidMessage(string text)
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        await alice.JoinRoomAsync("room").DefaultTimeout();

        var error = await Assert.ThrowsAsync<ChatException>(() => alice.SendMessageAsync("room", text).DefaultTimeout());
        var direct = await Assert.ThrowsAsync<ChatException>(() => alice.SendDirectMessageAsync("bob", text).DefaultTimeout());

        Assert.Equal(ErrorCodes.InvalidMessage, error.Code);
        Assert.Equal(ErrorCodes.InvalidMessage, direct.Code);
        Assert.Empty(await alice.GetHistoryAsync("room", null, 10).DefaultTimeout());
    }

    [Fact]
    public async Task AMessageAtTheLengthLimitIsStoredAndOneCharacterMoreIsRefusedWithMessageTooLong()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        await alice.JoinRoomAsync("room").DefaultTimeout();
        // Quotes are escaped on the wire (\u0022, six bytes each): the longest possible frame still fits.
        var longest = new string('"', 4000);

        var stored = await alice.SendMessageAsync("room", longest).DefaultTimeout();
        var error = await Assert.ThrowsAsync<ChatException>(() => alice.SendMessageAsync("room", longest + "x").DefaultTimeout());

        Assert.Equal(longest, stored.Text);
        Assert.Equal(ErrorCodes.MessageTooLong, error.Code);
        Assert.Equal([stored.Id], (await alice.GetHistoryAsync("room", null, 10).DefaultTimeout()).Select(m => m.Id));
    }

    [Fact]
    public async Task TypingReachesTheRoomsOtherConnectionsButNotTheCaller()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice", "Alice");
        await using var bob = await host.ConnectAsync("bob");
        var aliceTyping = new Inbox<TypingEvent>();
        var bobTyping = new Inbox<TypingEvent>();
        var aliceMessages = new Inbox<ChatMessage>();
        alice.UserTyping += aliceTyping.Add;
        alice.MessageReceived += aliceMessages.Add;
        bob.UserTyping += bobTyping.Add;
        await alice.JoinRoomAsync("room").DefaultTimeout();
        await bob.JoinRoomAsync("room").DefaultTimeout();

        await alice.TypingAsync("Room", true).DefaultTimeout();
        await alice.TypingAsync("room", false).DefaultTimeout();

        Assert.Equal(new TypingEvent("room", "alice", "Alice", true), await bobTyping.NextAsync());
        Assert.Equal(new TypingEvent("room", "alice", "Alice", false), await bobTyping.NextAsync());
        var barrier = await alice.SendMessageAsync("room", "barrier").DefaultTimeout();
        Assert.Equal(barrier, await aliceMessages.NextAsync());
        Assert.Empty(aliceTyping.All);
    }

    [Fact]
    public async Task PingAnswersPong()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");

        Assert.Equal("pong", await alice.PingAsync().DefaultTimeout());
    }

    [Fact]
    public async Task AFrameOfAMegabyteIsRefusedByClosingThatConnectionAndTheServerCarriesOn()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = host.CreateClient("alice", autoReconnect: false);
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        alice.Closed += ex =>
        {
            closed.TrySetResult(ex);
            return Task.CompletedTask;
        };
        await alice.StartAsync().DefaultTimeout();
        await alice.JoinRoomAsync("room").DefaultTimeout();

        await Assert.ThrowsAnyAsync<Exception>(() => alice.SendMessageAsync("room", new string('x', 1024 * 1024)).DefaultTimeout());
        await closed.Task.DefaultTimeout();

        await using var bob = await host.ConnectAsync("bob");
        var snapshot = await bob.JoinRoomAsync("room").DefaultTimeout();
        Assert.Empty(snapshot.Messages);
        Assert.Equal("pong", await bob.PingAsync().DefaultTimeout());
    }
}
