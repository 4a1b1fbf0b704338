using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Client;

public sealed partial class ChatClientV3Tests
{
    [Theory]
    [InlineData(ChatProtocol.Json)]
    [InlineData(ChatProtocol.MessagePack)]
    public async Task ReactionsFoldOntoTheirMessageAsTheServerStoresThemAndOneThatChangesNothingStoresNothing(ChatProtocol protocol)
    {
        await using var scene = await Scene.StartAsync(protocol);
        var (alice, folded) = (scene.Alice, scene.Folded);
        var bob = await scene.JoinAsync("bob");
        var carol = await scene.JoinAsync("carol");
        var message = await alice.SendMessageAsync(Room, "react to me").DefaultTimeout();

        await bob.ReactAsync(Room, message.Id, "👍").DefaultTimeout();
        await carol.ReactAsync(Room, message.Id, "👍").DefaultTimeout();
        await carol.ReactAsync(Room, message.Id, ":party:").DefaultTimeout();
        await bob.ReactAsync(Room, message.Id, "👍").DefaultTimeout();
        await carol.ReactAsync(Room, message.Id, ":party:", add: false).DefaultTimeout();
        var stored = await alice.ReactAsync(Room, message.Id, "❤").DefaultTimeout();
        var after = await alice.SendMessageAsync(Room, "after").DefaultTimeout();
        await folded.SeenAsync(after.Id);

        // Five changes took ids; bob's second 👍 changed nothing and took none.
        Assert.Equal(message.Id + 6, after.Id);
        Assert.Equal(
            [MessageKinds.React, MessageKinds.React, MessageKinds.React, MessageKinds.Unreact, MessageKinds.React],
            folded.Entries.All.Where(e => e.TargetId == message.Id).Select(e => e.Kind));
        Assert.Equal("❤:1:alice 👍:2:bob,carol", Reactions(stored.Reactions));
        Assert.Equal(Summary(stored), Summary(folded.Find(message.Id)!));
    }

    [Fact]
    public async Task AReactionWhoseAnswerWasLostIsPostedAgainAndStoredOnce()
    {
        await using var scene = await Scene.StartAsync(behindProxy: true);
        var (alice, folded) = (scene.Alice, scene.Folded);
        var message = await alice.SendMessageAsync(Room, "react to me").DefaultTimeout();

        // A shortcode, which JSON carries as it is (an emoji would be escaped and the proxy would not see it).
        const string Emoji = ":lost-answer:";
        var cut = scene.Proxy!.CutWhenHostSends(Emoji);
        var stored = await alice.ReactAsync(Room, message.Id, Emoji).DefaultTimeout(TestTimeouts.Slow);
        await cut.DefaultTimeout();
        await scene.Reconnected.NextAsync(TestTimeouts.Slow);
        var after = await alice.SendMessageAsync(Room, "after").DefaultTimeout();
        await folded.SeenAsync(after.Id);

        Assert.Equal(2, scene.Host.Recorder.Of("alice").Count(i => i.Method == HubMethods.React));
        Assert.Equal($"{Emoji}:1:alice", Reactions(stored.Reactions));
        var history = await RoomHistory.ReadAllAsync(alice, Room);
        Assert.Equal([MessageKinds.Message, MessageKinds.React, MessageKinds.Message], history.Select(m => m.Kind));
        Assert.Equal(Summary(stored), Summary(folded.Find(message.Id)!));
    }

    [Fact]
    public async Task ARefusedReactionThrowsTheContractsCodeAtOnce()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        await using var bob = await host.ConnectAsync("bob");
        await alice.CreateRoomAsync("owned", RoomKinds.Public).DefaultTimeout();
        await alice.JoinRoomAsync("owned").DefaultTimeout();
        await bob.JoinRoomAsync("owned").DefaultTimeout();
        var message = await alice.SendMessageAsync("owned", "hi").DefaultTimeout();
        await alice.MuteAsync("owned", "bob").DefaultTimeout();

        var missing = await Assert.ThrowsAsync<ChatException>(() => alice.ReactAsync("owned", 999, "👍").DefaultTimeout());
        var spaced = await Assert.ThrowsAsync<ChatException>(() => alice.ReactAsync("owned", message.Id, "a b").DefaultTimeout());
        var muted = await Assert.ThrowsAsync<ChatException>(() => bob.ReactAsync("owned", message.Id, "👍").DefaultTimeout());

        Assert.Equal([ErrorCodes.NotFound, ErrorCodes.InvalidMessage, ErrorCodes.Muted], [missing.Code, spaced.Code, muted.Code]);
        Assert.Equal(0, alice.PendingSends + bob.PendingSends);
    }

    [Fact]
    public async Task AfterALostConnectionTheCatchUpBringsReactionsAndRepliesAndTheFoldedRoomMatchesTheStore()
    {
        await using var scene = await Scene.StartAsync(statefulReconnect: false);
        var (alice, folded) = (scene.Alice, scene.Folded);
        var bob = await scene.JoinAsync("bob");
        var root = await alice.SendMessageAsync(Room, "root").DefaultTimeout();
        await folded.SeenAsync(root.Id);

        scene.Host.Aborter.AbortUser("alice");
        await bob.ReactAsync(Room, root.Id, "👍").DefaultTimeout();
        await bob.PostAsync(Room, new Draft("while you were away", ThreadId: root.Id)).DefaultTimeout();
        await bob.ReactAsync(Room, root.Id, ":wave:").DefaultTimeout();
        var last = await bob.ReactAsync(Room, root.Id, "👍", add: false).DefaultTimeout();
        await scene.Reconnected.NextAsync(TestTimeouts.Slow);
        var after = await bob.SendMessageAsync(Room, "after").DefaultTimeout();
        await folded.SeenAsync(after.Id);

        // Every entry once, in id order, none skipped: the new kinds are counted like messages.
        var ids = folded.Entries.All.Select(e => e.Id).ToArray();
        Assert.Equal(Enumerable.Range((int)root.Id, (int)(after.Id - root.Id + 1)).Select(i => (long)i), ids);
        Assert.Equal(Summary(last), Summary(folded.Find(root.Id)!));
        Assert.Equal("while you were away", (await alice.GetThreadAsync(Room, root.Id).DefaultTimeout()).Single().Text);
    }
}
