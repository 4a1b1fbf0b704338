using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Hubs;

public sealed partial class ChatHubTests
{
    [Fact]
    public async Task DirectHistoryPagesBackThroughOneConversationOnlyInIdOrder()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice", "Alice");
        await using var bob = await RawChatConnection.ConnectAsync(host.BaseAddress, "bob");
        var sent = new List<DirectMessage>();
        for (var i = 0; i < 5; i++)
        {
            sent.Add(await (i % 2 == 0 ? alice.SendDirectAsync("bob", $"a{i}") : bob.SendDirectAsync("alice", $"b{i}")));
            await alice.SendDirectAsync("carol", $"elsewhere {i}");
        }

        var newest = await bob.DirectHistoryAsync("alice", null, 3);
        var older = await bob.DirectHistoryAsync("alice", newest[0].Id, 3);

        Assert.Equal(sent[2..], newest);
        Assert.Equal(sent[..2], older);
        Assert.Equal(sent, await alice.DirectHistoryAsync("bob", null, 1000)); // the limit is clamped, as GetHistory's
        Assert.Equal(sent[4..], await alice.DirectHistoryAsync("bob", null, 0));
        Assert.Equal(ErrorCodes.InvalidUser, await RawChatConnection.RefusalAsync(() => alice.DirectHistoryAsync("has space", null, 10)));
    }

    [Fact]
    public async Task ADirectMessageToAUserWhoNeverConnectedIsInTheirFirstSync()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice");
        var waiting = await alice.SendDirectAsync("bob", "are you there?");
        var own = await alice.SendDirectAsync("alice", "note to self");

        await using var bob = await RawChatConnection.ConnectAsync(host.BaseAddress, "bob");
        var first = await bob.SyncAsync(null);
        var again = await bob.SyncAsync(waiting.Id);
        var mine = await alice.SyncAsync(0);

        Assert.Equal([waiting], first.Messages);
        Assert.True(first.Complete);
        Assert.Empty(again.Messages);
        Assert.Equal([waiting, own], mine.Messages); // the note to self once
    }

    [Fact]
    public async Task SyncAfterBeingOfflineReturnsPagesOfMaxCatchUpUntilComplete()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["History:MaxCatchUp"] = "3", ["History:JoinCount"] = "2" });
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice");
        await using var bob = await RawChatConnection.ConnectAsync(host.BaseAddress, "bob");
        var seen = (await bob.SendDirectAsync("alice", "before")).Id;
        var sent = new List<DirectMessage>();
        for (var i = 0; i < 5; i++)
        {
            sent.Add(await (i % 2 == 0 ? alice.SendDirectAsync("bob", $"to bob {i}") : bob.SendDirectAsync("carol", $"from bob {i}")));
        }

        var page1 = await bob.SyncAsync(seen);
        var page2 = await bob.SyncAsync(page1.Messages[^1].Id);

        Assert.Equal(sent[..3], page1.Messages);
        Assert.False(page1.Complete);
        Assert.Equal(sent[3..], page2.Messages);
        Assert.True(page2.Complete);
        Assert.Equal(sent[3..], (await bob.SyncAsync(null)).Messages);
    }

    [Fact]
    public async Task ConversationsAreMostRecentFirstWithTheOtherUsersNameAndUnreadCountAfterTheMarker()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice", "Alice");
        await using var bob = await RawChatConnection.ConnectAsync(host.BaseAddress, "bob", "Bob");
        await using var carol = await RawChatConnection.ConnectAsync(host.BaseAddress, "carol", "Carol");
        var b1 = await bob.SendDirectAsync("alice", "one");
        await bob.SendDirectAsync("alice", "two");
        var own = await alice.SendDirectAsync("bob", "mine do not count");
        var c1 = await carol.SendDirectAsync("alice", "hi");
        var toDave = await alice.SendDirectAsync("dave", "dave never wrote");

        await alice.MarkDirectReadAsync("bob", b1.Id);
        var conversations = await alice.ConversationsAsync();

        Assert.Equal(
            [("dave", "dave", toDave, 0L, 0), ("carol", "Carol", c1, 0L, 1), ("bob", "Bob", own, b1.Id, 1)],
            conversations.Select(c => (c.UserId, c.UserName, c.LastMessage, c.LastReadId, c.UnreadCount)));
        Assert.Equal(["alice"], (await carol.ConversationsAsync()).Select(c => c.UserId));
    }

    [Fact]
    public async Task EachConversationIsPrunedToMaxMessagesPerRoomOnItsOwn()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["History:MaxMessagesPerRoom"] = "10" });
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice");
        var toCarol = await alice.SendDirectAsync("carol", "kept: carol's conversation is small");
        var toBob = new List<DirectMessage>();
        for (var i = 0; i < 70; i++)
        {
            toBob.Add(await alice.SendDirectAsync("bob", $"m{i}"));
        }

        var bobs = await alice.DirectHistoryAsync("bob", null, 200);

        Assert.InRange(bobs.Length, 10, 10 + 63); // pruned in steps of 64, as rooms
        Assert.True(bobs.Length < 70);
        Assert.Equal(toBob[^bobs.Length..], bobs);
        Assert.Equal([toCarol], await alice.DirectHistoryAsync("carol", null, 200));
    }
}
