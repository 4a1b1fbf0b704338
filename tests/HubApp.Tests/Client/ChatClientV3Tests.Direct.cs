using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Client;

public sealed partial class ChatClientV3Tests
{
    [Theory]
    [InlineData(ChatProtocol.Json)]
    [InlineData(ChatProtocol.MessagePack)]
    public async Task AConversationsEditsDeletesAndReactionsAreEntriesThatFoldAsTheServerStoresThem(ChatProtocol protocol)
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        await using var bob = host.CreateClient("bob", protocol: protocol);
        var received = new Inbox<DirectMessage>();
        bob.DirectMessageReceived += received.Add;
        await bob.StartAsync().DefaultTimeout();

        var message = await alice.PostDirectAsync("bob", new Draft("helo")).DefaultTimeout();
        var reply = await bob.PostDirectAsync("alice", new Draft("hi", ReplyToId: message.Id)).DefaultTimeout();
        var reacted = await bob.ReactDirectAsync("alice", message.Id, "👋").DefaultTimeout();
        var edit = await alice.EditDirectMessageAsync(message.Id, "hello").DefaultTimeout();
        var notHers = await Assert.ThrowsAsync<ChatException>(() => alice.EditDirectMessageAsync(reply.Id, "mine now").DefaultTimeout());
        var delete = await bob.DeleteDirectMessageAsync(reply.Id).DefaultTimeout();
        var again = await bob.DeleteDirectMessageAsync(reply.Id).DefaultTimeout();
        var entries = await received.WaitForCountAsync(5);

        Assert.Equal(entries.Select(e => e.Id).Order(), entries.Select(e => e.Id));
        Assert.Equal([message.Id, reply.Id, edit.Id, delete.Id], entries.Where(e => e.Kind != MessageKinds.React).Select(e => e.Id));
        Assert.Equal((message.Id, "👋:1:bob"), (reacted.Id, Reactions(reacted.Reactions)));
        Assert.Equal([MessageKinds.Message, MessageKinds.Message, MessageKinds.React, MessageKinds.Edit, MessageKinds.Delete], entries.Select(e => e.Kind));
        Assert.Equal(((long?)message.Id, (long?)message.Id), (reply.ReplyToId, entries[2].TargetId));
        Assert.Equal(ErrorCodes.Forbidden, notHers.Code);
        Assert.Equal(delete.Id, again.Id);
        // Folded by the client, each message reads as the store keeps it.
        var stored = await bob.GetDirectHistoryAsync("alice", null, 50).DefaultTimeout();
        foreach (var target in new[] { message, reply })
        {
            var folded = entries.Where(e => e.Id > target.Id).Aggregate(target, LogFolding.Fold);
            var kept = stored.Single(m => m.Id == target.Id);
            Assert.Equal((kept.Text, kept.DeletedAt is null, Reactions(kept.Reactions)), (folded.Text, folded.DeletedAt is null, Reactions(folded.Reactions)));
        }
    }
}
