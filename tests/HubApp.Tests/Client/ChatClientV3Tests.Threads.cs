using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Client;

public sealed partial class ChatClientV3Tests
{
    [Theory]
    [InlineData(ChatProtocol.Json)]
    [InlineData(ChatProtocol.MessagePack)]
    public async Task ThreadRepliesAndTheirDeletionFoldOntoTheRootAsTheServerStoresItAndAReplyCarriesOnlyItsParentsId(ChatProtocol protocol)
    {
        await using var scene = await Scene.StartAsync(protocol);
        var (alice, folded) = (scene.Alice, scene.Folded);
        var bob = await scene.JoinAsync("bob");

        var root = await alice.SendMessageAsync(Room, "root").DefaultTimeout();
        var first = await bob.PostAsync(Room, new Draft("first in thread", ThreadId: root.Id)).DefaultTimeout();
        var second = await alice.PostAsync(Room, new Draft("second in thread", ThreadId: root.Id)).DefaultTimeout();
        var reply = await bob.PostAsync(Room, new Draft("a quote of the root", ReplyToId: root.Id)).DefaultTimeout();
        var delete = await bob.DeleteMessageAsync(Room, first.Id).DefaultTimeout();
        await folded.SeenAsync(delete.Id);

        Assert.Equal((root.Id, (long?)null), (first.ThreadId!.Value, first.ReplyToId));
        Assert.Equal(((long?)root.Id, (long?)null, "a quote of the root"), (reply.ReplyToId, reply.ThreadId, reply.Text));
        Assert.NotNull(first.ClientMessageId);
        var stored = await alice.GetMessagesAsync(Room, [root.Id, reply.Id]).DefaultTimeout();
        Assert.Equal([root.Id, reply.Id], stored.Select(m => m.Id));
        Assert.Equal(1, stored[0].Thread!.ReplyCount);
        Assert.Equal(Summary(stored[0]), Summary(folded.Find(root.Id)!));
        var thread = await alice.GetThreadAsync(Room, root.Id).DefaultTimeout();
        Assert.Contains(thread, m => m.Id == second.Id && m.Text == "second in thread");
        Assert.DoesNotContain(thread, m => m.Text == "first in thread");
    }

    [Fact]
    public async Task ADraftWhoseAnswerWasLostIsPostedAgainWithItsClientMessageIdAndStoredOnce()
    {
        await using var scene = await Scene.StartAsync(behindProxy: true);
        var (alice, folded) = (scene.Alice, scene.Folded);
        var root = await alice.SendMessageAsync(Room, "root").DefaultTimeout();

        const string Text = "reply, answer lost";
        var cut = scene.Proxy!.CutWhenHostSends(Text);
        var sent = await alice.PostAsync(Room, new Draft(Text, ThreadId: root.Id)).DefaultTimeout(TestTimeouts.Slow);
        await cut.DefaultTimeout();
        await scene.Reconnected.NextAsync(TestTimeouts.Slow);
        var after = await alice.SendMessageAsync(Room, "after").DefaultTimeout();
        await folded.SeenAsync(after.Id);

        Assert.Equal([root.Id, sent.Id, after.Id], (await RoomHistory.ReadAllAsync(alice, Room)).Select(m => m.Id));
        Assert.Equal(2, scene.Host.Recorder.Of("alice").Count(i => i.Method == HubMethods.Post));
        // The reply counted once on the root, in the store and in the folded room (its entry raised once).
        Assert.Equal(1, (await alice.GetMessagesAsync(Room, [root.Id]).DefaultTimeout()).Single().Thread!.ReplyCount);
        Assert.Equal(1, folded.Find(root.Id)!.Thread!.ReplyCount);
        Assert.Single(folded.Entries.All, e => e.Id == sent.Id);
    }

    [Fact]
    public async Task ARefusedDraftThrowsTheContractsCodeAtOnceAndTheClientCarriesOn()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        await alice.JoinRoomAsync(Room).DefaultTimeout();
        var root = await alice.SendMessageAsync(Room, "root").DefaultTimeout();
        var reply = await alice.PostAsync(Room, new Draft("reply", ThreadId: root.Id)).DefaultTimeout();

        var noParent = await Assert.ThrowsAsync<ChatException>(() => alice.PostAsync(Room, new Draft("x", ReplyToId: 999)).DefaultTimeout());
        var nested = await Assert.ThrowsAsync<ChatException>(() => alice.PostAsync(Room, new Draft("x", ThreadId: reply.Id)).DefaultTimeout());
        var empty = await Assert.ThrowsAsync<ChatException>(() => alice.PostAsync(Room, new Draft(" ")).DefaultTimeout());
        var badId = await Assert.ThrowsAsync<ChatException>(() => alice.PostAsync(Room, new Draft("x", "not ok!")).DefaultTimeout());

        Assert.Equal(
            [ErrorCodes.NotFound, ErrorCodes.NotFound, ErrorCodes.InvalidMessage, ErrorCodes.InvalidMessage],
            [noParent.Code, nested.Code, empty.Code, badId.Code]);
        Assert.Equal(0, alice.PendingSends);
        var after = await alice.SendMessageAsync(Room, "after").DefaultTimeout();
        Assert.Equal(reply.Id + 1, after.Id);
    }
}
