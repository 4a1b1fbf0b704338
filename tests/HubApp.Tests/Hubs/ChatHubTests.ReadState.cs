using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Hubs;

public sealed partial class ChatHubTests
{
    [Fact]
    public async Task MarkReadIsClampedToTheNewestIdAndNeverMovesBack()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice");
        await using var bob = await RawChatConnection.ConnectAsync(host.BaseAddress, "bob");
        await bob.JoinAsync("room");
        for (var i = 0; i < 5; i++)
        {
            await bob.SendAsync("room", $"m{i}");
        }

        // Alice need not have joined to mark a room read.
        await alice.MarkReadAsync("room", 3);
        await alice.MarkReadAsync("room", 2);
        Assert.Equal((3L, 2), Read(await alice.JoinAsync("room")));
        await alice.MarkReadAsync("room", 999);
        Assert.Equal((5L, 0), Read(await alice.JoinAsync("room")));
        Assert.Equal(ErrorCodes.InvalidRoom, await RawChatConnection.RefusalAsync(() => alice.MarkReadAsync("no room!", 1)));
    }

    [Fact]
    public async Task TheSnapshotCountsOtherUsersMessagesAfterTheMarkerButNotOwnOnes()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice");
        await using var bob = await RawChatConnection.ConnectAsync(host.BaseAddress, "bob");
        await alice.JoinAsync("room");
        await bob.JoinAsync("room");
        var first = await bob.SendAsync("room", "read");
        await alice.SendAsync("room", "own");
        await bob.SendAsync("room", "unread 1");
        await alice.SendAsync("room", "own again");
        await bob.SendAsync("room", "unread 2");

        Assert.Equal((0L, 3), Read(await alice.JoinAsync("room")));
        await alice.MarkReadAsync("room", first.Id);
        Assert.Equal((first.Id, 2), Read(await alice.JoinAsync("room", first.Id)));
        Assert.Equal((0L, 2), Read(await bob.JoinAsync("room")));
    }

    [Fact]
    public async Task AMovedMarkerReachesTheCallersOtherConnectionsButNotTheCallingOne()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var phone = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice");
        await using var laptop = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice");
        await using var bob = await RawChatConnection.ConnectAsync(host.BaseAddress, "bob");
        await bob.JoinAsync("room");
        await bob.SendAsync("room", "one");
        await bob.SendAsync("room", "two");
        var direct = await bob.SendDirectAsync("alice", "psst");

        await phone.MarkReadAsync("room", 1);
        await phone.MarkReadAsync("room", 1); // did not move: nothing sent
        await phone.MarkDirectReadAsync("bob", direct.Id);
        await laptop.MarkReadAsync("room", 2);

        Assert.Equal(new ReadMarker("room", null, 1), await laptop.Markers.NextAsync());
        Assert.Equal(new ReadMarker(null, "bob", direct.Id), await laptop.Markers.NextAsync());
        Assert.Equal(new ReadMarker("room", null, 2), await phone.Markers.NextAsync());
        // The phone's next marker is the laptop's move: none of its own came before it, and bob got none.
        await bob.MarkReadAsync("room", 2);
        await phone.MarkDirectReadAsync("bob", 0);
        Assert.Equal(2, laptop.Markers.All.Count);
        Assert.Single(phone.Markers.All);
        Assert.Empty(bob.Markers.All);
    }

    [Fact]
    public async Task MarkReadPastItsOwnAllowanceIsRateLimitedWhileSendingStillWorks()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice");
        await alice.JoinAsync("room");
        await alice.SendAsync("room", "one");

        var refusals = 0;
        for (var i = 0; i < HubApp.Hubs.RateLimitFilter.ReadMarkersBurst + 10; i++)
        {
            refusals += await Task.WhenAny(alice.MarkReadAsync("room", 1)) is { IsFaulted: true } ? 1 : 0;
        }

        Assert.InRange(refusals, 1, 10);
        Assert.Equal(ErrorCodes.RateLimited, await RawChatConnection.RefusalAsync(() => alice.MarkReadAsync("room", 1)));
        Assert.Equal(2, (await alice.SendAsync("room", "two")).Id);
    }

    private static (long LastReadId, int UnreadCount) Read(RoomSnapshot snapshot) => (snapshot.LastReadId, snapshot.UnreadCount);
}
