using HubApp.Client;
using HubApp.Contracts;
using HubApp.Tests.Infrastructure;

namespace HubApp.Tests.Hubs;

public sealed partial class ChatHubTests
{
    [Theory]
    [InlineData(ChatProtocol.Json)]
    [InlineData(ChatProtocol.MessagePack)]
    public async Task PostingTwiceWithOneClientMessageIdReturnsTheSameMessageDeliversItOnceAndTakesNoId(ChatProtocol protocol)
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = host.CreateClient("alice", protocol: protocol);
        await using var bob = host.CreateClient("bob");
        var received = await BothInRoomAsync(alice, bob);

        var first = await alice.PostMessageAsync("room", "hello", "msg-1").WaitAsync(TestTimeouts.Default);
        var again = await alice.PostMessageAsync("room", "hello", "msg-1").WaitAsync(TestTimeouts.Default);
        var next = await alice.PostMessageAsync("room", "next", null).WaitAsync(TestTimeouts.Default);

        Assert.Equal(first, again);
        Assert.Equal((MessageKinds.Message, "msg-1", (long?)null, (DateTime?)null, (DateTime?)null), (first.Kind, first.ClientMessageId, first.TargetId, first.EditedAt, first.DeletedAt));
        Assert.Equal(first.Id + 1, next.Id);
        Assert.Null(next.ClientMessageId);
        Assert.Equal(first, await received.NextAsync());
        Assert.Equal(next, await received.NextAsync());
        Assert.Equal([first, next], await alice.GetHistoryAsync("room", null, 10).WaitAsync(TestTimeouts.Default));
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
        var answers = await Task.WhenAll(repeats).WaitAsync(TestTimeouts.Default);
        var bobs = await Task.WhenAll(others).WaitAsync(TestTimeouts.Default);

        Assert.Single(answers.Distinct());
        Assert.Equal(5, bobs.Select(m => m.Id).Distinct().Count());
        var history = await bob.GetHistoryAsync("room", null, 50).WaitAsync(TestTimeouts.Default);
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
        await alice.JoinRoomAsync("room").WaitAsync(TestTimeouts.Default);

        var room = await Assert.ThrowsAsync<ChatException>(() => alice.PostMessageAsync("room", "hi", clientMessageId).WaitAsync(TestTimeouts.Default));
        var direct = await Assert.ThrowsAsync<ChatException>(() => alice.PostDirectMessageAsync("bob", "hi", clientMessageId).WaitAsync(TestTimeouts.Default));

        Assert.Equal(ErrorCodes.InvalidMessage, room.Code);
        Assert.Equal(ErrorCodes.InvalidMessage, direct.Code);
        Assert.Empty(await alice.GetHistoryAsync("room", null, 10).WaitAsync(TestTimeouts.Default));
    }

    [Fact]
    public async Task AClientMessageIdOf64CharactersIsAccepted()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        await alice.JoinRoomAsync("room").WaitAsync(TestTimeouts.Default);
        var longest = new string('a', 32) + new string('Z', 16) + "0123456789_-_-_-";

        var stored = await alice.PostMessageAsync("room", "hi", longest).WaitAsync(TestTimeouts.Default);

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

        var first = await alice.PostDirectMessageAsync("bob", "psst", "dm-1").WaitAsync(TestTimeouts.Default);
        var again = await alice.PostDirectMessageAsync("bob", "psst", "dm-1").WaitAsync(TestTimeouts.Default);
        var toCarol = await alice.PostDirectMessageAsync("carol", "psst", "dm-1").WaitAsync(TestTimeouts.Default);
        var barrier = await alice.SendDirectMessageAsync("bob", "barrier").WaitAsync(TestTimeouts.Default);

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
            await client.StartAsync().WaitAsync(TestTimeouts.Default);
            await client.JoinRoomAsync("room").WaitAsync(TestTimeouts.Default);
        }

        return received;
    }
}
