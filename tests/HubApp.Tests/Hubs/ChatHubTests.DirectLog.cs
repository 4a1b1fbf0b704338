using System.Text;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Hubs;

/// <summary>A conversation's log: PostDirect, EditDirectMessage, DeleteDirectMessage, ReactDirect (docs/protocol.md).</summary>
public sealed partial class ChatHubTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EditsDeletesReactionsAndRepliesInAConversationReachBothUsersAndEveryReadShowsTheTargetAsItIsNow(bool messagePack)
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice", "Alice", messagePack);
        await using var bob = await RawChatConnection.ConnectAsync(host.BaseAddress, "bob", "Bob", messagePack);
        var question = await alice.InvokeAsync<DirectMessage>(HubMethods.PostDirect, "bob", new Draft("lunch?", "q-1"));
        var answer = await bob.InvokeAsync<DirectMessage>(HubMethods.PostDirect, "alice", new Draft("yes", "a-1", ReplyToId: question.Id));

        var edit = await alice.InvokeAsync<DirectMessage>(HubMethods.EditDirectMessage, question.Id, "lunch at noon?");
        var reacted = await bob.InvokeAsync<DirectMessage>(HubMethods.ReactDirect, "alice", question.Id, "👍", true);
        var again = await bob.InvokeAsync<DirectMessage>(HubMethods.ReactDirect, "alice", question.Id, "👍", true);
        var delete = await bob.InvokeAsync<DirectMessage>(HubMethods.DeleteDirectMessage, answer.Id);
        var deleteAgain = await bob.InvokeAsync<DirectMessage>(HubMethods.DeleteDirectMessage, answer.Id);

        Assert.Equal((question.Id, MessageKinds.Message), (answer.ReplyToId!.Value, answer.Kind));
        Assert.Equal(("alice", "bob", MessageKinds.Edit, "lunch at noon?", (long?)question.Id), (edit.FromUserId, edit.ToUserId, edit.Kind, edit.Text, edit.TargetId));
        Assert.Equal((question.Id, "lunch at noon?", true), (reacted.Id, reacted.Text, reacted.EditedAt is not null));
        Assert.Equal([("👍", 1, "bob")], Summary(reacted.Reactions));
        Assert.Equal([("👍", 1, "bob")], Summary(again.Reactions));
        Assert.Equal(("bob", "alice", MessageKinds.Delete, "", (long?)answer.Id), (delete.FromUserId, delete.ToUserId, delete.Kind, delete.Text, delete.TargetId));
        Assert.Equal(delete, deleteAgain);
        foreach (var inbox in new[] { alice.Direct, bob.Direct })
        {
            var received = await inbox.WaitForCountAsync(5);
            Assert.Equal(
                [(question.Id, MessageKinds.Message), (answer.Id, MessageKinds.Message), (edit.Id, MessageKinds.Edit), (edit.Id + 1, MessageKinds.React), (delete.Id, MessageKinds.Delete)],
                received.Select(m => (m.Id, m.Kind)));
        }

        var history = await alice.DirectHistoryAsync("bob", null, 50);
        Assert.Equal(
            [(question.Id, "lunch at noon?", false, 1), (answer.Id, "", true, 0), (edit.Id, "lunch at noon?", false, 0), (edit.Id + 1, "👍", false, 0), (delete.Id, "", false, 0)],
            history.Select(m => (m.Id, m.Text, m.DeletedAt is not null, m.Reactions?.Count ?? 0)));
        Assert.Equal(question.Id, history[1].ReplyToId);
        var sync = await bob.SyncAsync(answer.Id);
        Assert.Equal([edit.Id, edit.Id + 1, delete.Id], sync.Messages.Select(m => m.Id));
        // The conversation's last message is its newest message entry as it is now: bob's deleted answer.
        var conversation = Assert.Single(await alice.ConversationsAsync());
        Assert.Equal((answer.Id, "", 1), (conversation.LastMessage.Id, conversation.LastMessage.Text, conversation.UnreadCount));
        Assert.DoesNotContain("yes", await ReadDirectTextsAsync(host.DatabasePath));
    }

    [Fact]
    public async Task DirectChangesThatTheCallerMayNotMakeAreRefusedWithTheContractsCodesAndStoreNothing()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Limits:EditWindow"] = "00:00:01" });
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice");
        await using var bob = await RawChatConnection.ConnectAsync(host.BaseAddress, "bob");
        await using var carol = await RawChatConnection.ConnectAsync(host.BaseAddress, "carol");
        var own = await alice.SendDirectAsync("bob", "alice's");
        var elsewhere = await carol.SendDirectAsync("dave", "carol's and dave's");
        var gone = await alice.SendDirectAsync("bob", "to delete");
        await alice.InvokeAsync<DirectMessage>(HubMethods.DeleteDirectMessage, gone.Id);
        var before = await alice.DirectHistoryAsync("bob", null, 50);

        Task<string?> Code(RawChatConnection who, string method, params object?[] args) => RawChatConnection.RefusalAsync(() => who.InvokeAsync<DirectMessage>(method, args));
        Assert.Equal(ErrorCodes.Forbidden, await Code(bob, HubMethods.EditDirectMessage, own.Id, "bob's now"));
        Assert.Equal(ErrorCodes.Forbidden, await Code(bob, HubMethods.DeleteDirectMessage, own.Id));
        Assert.Equal(ErrorCodes.Forbidden, await Code(alice, HubMethods.EditDirectMessage, gone.Id, "back"));
        Assert.Equal(ErrorCodes.NotFound, await Code(carol, HubMethods.EditDirectMessage, own.Id, "not mine"));
        Assert.Equal(ErrorCodes.NotFound, await Code(carol, HubMethods.DeleteDirectMessage, own.Id));
        Assert.Equal(ErrorCodes.NotFound, await Code(carol, HubMethods.ReactDirect, "alice", own.Id, "👀", true));
        Assert.Equal(ErrorCodes.NotFound, await Code(alice, HubMethods.ReactDirect, "bob", elsewhere.Id, "👀", true));
        Assert.Equal(ErrorCodes.NotFound, await Code(alice, HubMethods.ReactDirect, "carol", own.Id, "👀", true));
        Assert.Equal(ErrorCodes.NotFound, await Code(alice, HubMethods.ReactDirect, "bob", gone.Id, "👀", true));
        Assert.Equal(ErrorCodes.NotFound, await Code(alice, HubMethods.EditDirectMessage, 9999, "none"));
        Assert.Equal(ErrorCodes.NotFound, await Code(alice, HubMethods.PostDirect, "bob", new Draft("re", ReplyToId: elsewhere.Id)));
        Assert.Equal(ErrorCodes.NotFound, await Code(alice, HubMethods.PostDirect, "bob", new Draft("re", AttachmentIds: ["upload-1"])));
        Assert.Equal(ErrorCodes.InvalidMessage, await Code(alice, HubMethods.PostDirect, "bob", new Draft("re", ThreadId: own.Id)));
        Assert.Equal(ErrorCodes.InvalidMessage, await Code(alice, HubMethods.EditDirectMessage, own.Id, "  "));
        Assert.Equal(ErrorCodes.InvalidMessage, await Code(alice, HubMethods.ReactDirect, "bob", own.Id, "a b", true));
        Assert.Equal(ErrorCodes.InvalidUser, await Code(alice, HubMethods.ReactDirect, "no user!", own.Id, "👀", true));
        Assert.Equal(before, await alice.DirectHistoryAsync("bob", null, 50));

        // Past the one-second window whatever the machine's load: the store compares sending times. Deleting has no window.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Equal(ErrorCodes.Forbidden, await Code(alice, HubMethods.EditDirectMessage, own.Id, "late"));
        Assert.Equal(MessageKinds.Delete, (await alice.InvokeAsync<DirectMessage>(HubMethods.DeleteDirectMessage, own.Id)).Kind);
        Assert.Equal("pong", await carol.InvokeAsync<string>(HubMethods.Ping));
    }

    [Fact]
    public async Task TheDatabaseRowsNoLongerHoldADeletedDirectTextNorItsEditedVersionsNorItsReactions()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice");
        await using var bob = await RawChatConnection.ConnectAsync(host.BaseAddress, "bob");
        var target = await alice.SendDirectAsync("bob", "first version");
        await alice.InvokeAsync<DirectMessage>(HubMethods.EditDirectMessage, target.Id, "second version");
        await bob.InvokeAsync<DirectMessage>(HubMethods.ReactDirect, "alice", target.Id, "👍", true);
        await alice.SendDirectAsync("bob", "kept");

        await alice.InvokeAsync<DirectMessage>(HubMethods.DeleteDirectMessage, target.Id);

        Assert.Equal(["", "", "👍", "kept", ""], await ReadDirectTextsAsync(host.DatabasePath));
        Assert.Empty(await ReadReactionRowsAsync(host.DatabasePath));
    }

    private static Task<List<string>> ReadDirectTextsAsync(string databasePath) =>
        ReadRowsAsync(databasePath, "SELECT text FROM direct_messages ORDER BY id;", r => Encoding.UTF8.GetString(r.GetFieldValue<byte[]>(0)));
}
