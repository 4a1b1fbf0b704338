using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Hubs;

public sealed partial class ChatHubTests
{
    [Fact]
    public async Task JoinRoomAnswersTheLowercaseNameTheMembersAndAnEmptyCompleteHistory()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice", "Alice");

        var snapshot = await alice.JoinRoomAsync("General").DefaultTimeout();

        Assert.Equal("general", snapshot.Room);
        Assert.Equal([new Member("alice", "Alice")], snapshot.Members);
        Assert.Empty(snapshot.Messages);
        Assert.True(snapshot.Complete);
    }

    [Fact]
    public async Task JoiningTellsTheOthersOnceAndLeavingAfterTheLastConnectionTellsThemAgain()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        var joined = new Inbox<PresenceEvent>();
        var left = new Inbox<PresenceEvent>();
        alice.UserJoined += joined.Add;
        alice.UserLeft += left.Add;
        await alice.JoinRoomAsync("room1").DefaultTimeout();

        await using var bobPhone = await host.ConnectAsync("bob", "Bob");
        await using var bobLaptop = await host.ConnectAsync("bob", "Bob");
        var snapshot = await bobPhone.JoinRoomAsync("room1").DefaultTimeout();
        var bobJoined = await joined.NextAsync();
        await bobLaptop.JoinRoomAsync("room1").DefaultTimeout();
        await bobPhone.JoinRoomAsync("room1").DefaultTimeout(); // idempotent

        Assert.Equal(new Member("bob", "Bob"), snapshot.Members.Single(m => m.UserId == "bob"));
        Assert.Equal(("room1", "bob", "Bob"), (bobJoined.Room, bobJoined.UserId, bobJoined.UserName));
        Assert.True(DateTime.UtcNow - bobJoined.At < TimeSpan.FromMinutes(1));

        await bobPhone.LeaveRoomAsync("room1").DefaultTimeout();
        // Bob is still present through his laptop; a message from him proves alice got nothing before it.
        await bobLaptop.SendMessageAsync("room1", "still here").DefaultTimeout();
        var messages = new Inbox<ChatMessage>();
        alice.MessageReceived += messages.Add;
        await bobLaptop.SendMessageAsync("room1", "barrier").DefaultTimeout();
        await messages.NextAsync(m => m.Text == "barrier");
        Assert.Empty(left.All);
        Assert.Single(joined.All);

        await bobLaptop.LeaveRoomAsync("room1").DefaultTimeout();
        var bobLeft = await left.NextAsync();
        Assert.Equal(("room1", "bob", "Bob"), (bobLeft.Room, bobLeft.UserId, bobLeft.UserName));
    }

    [Fact]
    public async Task ADisconnectLeavesEveryRoomWithUserLeft()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        var left = new Inbox<PresenceEvent>();
        alice.UserLeft += left.Add;
        await alice.JoinRoomAsync("a").DefaultTimeout();
        await alice.JoinRoomAsync("b").DefaultTimeout();

        var bob = await host.ConnectAsync("bob");
        await bob.JoinRoomAsync("a").DefaultTimeout();
        await bob.JoinRoomAsync("b").DefaultTimeout();
        await bob.DisposeAsync();

        var events = await left.WaitForCountAsync(2);
        Assert.Equal(["a", "b"], events.Select(e => e.Room).Order());
        Assert.All(events, e => Assert.Equal("bob", e.UserId));
        var snapshot = await alice.JoinRoomAsync("a").DefaultTimeout();
        Assert.Equal(["alice"], snapshot.Members.Select(m => m.UserId));
    }

    [Fact]
    public async Task LeavingARoomNotJoinedIsANoOp()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");

        await alice.LeaveRoomAsync("never-joined").DefaultTimeout();

        Assert.Equal("pong", await alice.PingAsync().DefaultTimeout());
    }

    [Theory]
    [InlineData("")]
    [InlineData("-starts-with-dash")]
    [InlineData("_underscore")]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    [InlineData("new\nline")]
    [InlineData("ünïcode")]
    [InlineData("a2345678901234567890123456789012345678901234567890123456789012345")] // 65 characters
    public async Task BadRoomNamesAreRefusedWithInvalidRoomAndTheConnectionStaysOpen(string room)
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");

        var join = await Assert.ThrowsAsync<ChatException>(() => alice.JoinRoomAsync(room).DefaultTimeout());
        var send = await Assert.ThrowsAsync<ChatException>(() => alice.SendMessageAsync(room, "hi").DefaultTimeout());

        Assert.Equal(ErrorCodes.InvalidRoom, join.Code);
        Assert.Equal(ErrorCodes.InvalidRoom, send.Code);
        Assert.Equal("pong", await alice.PingAsync().DefaultTimeout());
    }

    [Fact]
    public async Task ARoomNameOfSixtyFourCharactersWithDotsDashesAndUnderscoresIsAccepted()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        var name = "A1._-" + new string('x', 59);

        var snapshot = await alice.JoinRoomAsync(name).DefaultTimeout();

        Assert.Equal(name.ToLowerInvariant(), snapshot.Room);
    }

    [Fact]
    public async Task JoiningMoreRoomsThanAllowedIsRefusedWithTooManyRooms()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Limits:MaxRoomsPerConnection"] = "2" });
        await using var alice = await host.ConnectAsync("alice");
        await alice.JoinRoomAsync("one").DefaultTimeout();
        await alice.JoinRoomAsync("two").DefaultTimeout();

        var error = await Assert.ThrowsAsync<ChatException>(() => alice.JoinRoomAsync("three").DefaultTimeout());
        await alice.JoinRoomAsync("TWO").DefaultTimeout(); // rejoining one it has is fine

        Assert.Equal(ErrorCodes.TooManyRooms, error.Code);
        await alice.LeaveRoomAsync("one").DefaultTimeout();
        Assert.Equal("three", (await alice.JoinRoomAsync("three").DefaultTimeout()).Room);
    }
}
