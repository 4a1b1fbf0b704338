using HubApp.Contracts;
using HubApp.Rooms;
using HubApp.Storage;
using HubApp.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HubApp.Tests.Rooms;

/// <summary>
/// A removal whose notice never reached this node (a backplane outage) is made up for once the node reads the room
/// afresh: the removed user is taken out of the room here, told so, and reads nothing more of it; admins stay.
/// </summary>
public sealed class RoomReconcileTests(RoomHostFixture fixture) : IClassFixture<RoomHostFixture>
{
    [Fact]
    public async Task AfterMissedNoticesWhoeverMayNoLongerReadARoomIsTakenOutOfItAndAnAdminStays()
    {
        var room = fixture.NewRoomName("missed");
        var services = fixture.Host.Services;
        await using var owner = await fixture.Host.ConnectAsync("owner");
        await owner.CreateRoomAsync(room, RoomKinds.Private, null).DefaultTimeout();
        await owner.InviteAsync(room, "bob").DefaultTimeout();
        await owner.InviteAsync(room, "carol").DefaultTimeout();
        await using var bob = await fixture.Host.ConnectAsync("bob");
        await using var carol = await fixture.Host.ConnectAsync("carol");
        await using var admin = fixture.Host.CreateClient("root", token: () => TestTokens.Create("root", "root", roles: [TestTokens.AdminRole]));
        await admin.StartAsync().DefaultTimeout();
        var removals = new Inbox<RoomRemoval>();
        bob.RemovedFromRoom += removals.Add;
        carol.RemovedFromRoom += removals.Add;
        admin.RemovedFromRoom += removals.Add;
        var bobMessages = new Inbox<ChatMessage>();
        bob.MessageReceived += bobMessages.Add;
        var elsewhere = fixture.NewRoomName("elsewhere");
        foreach (var client in new[] { owner, bob, carol, admin })
        {
            await client.JoinRoomAsync(room).DefaultTimeout();
        }

        await owner.JoinRoomAsync(elsewhere).DefaultTimeout();
        await bob.JoinRoomAsync(elsewhere).DefaultTimeout();

        // Stored by "another node" whose notices were lost: nothing here was told.
        var store = services.GetRequiredService<IRoomStore>();
        await store.RemoveMemberAsync(room, "bob", CancellationToken.None);
        await store.SetSanctionAsync(room, "carol", SanctionKind.Ban, null, "owner", DateTime.UtcNow, CancellationToken.None);
        var before = await owner.SendMessageAsync(room, "before the resync").DefaultTimeout();
        Assert.Equal(before, await bobMessages.NextAsync());

        await services.GetRequiredService<RoomChangeHandler>().ResyncAsync().DefaultTimeout();

        var both = await removals.WaitForCountAsync(2);
        Assert.Equal(
            [new RoomRemoval(room, RemovalReasons.Banned, null, null), new RoomRemoval(room, RemovalReasons.Kicked, null, null)],
            both.OrderBy(r => r.Reason, StringComparer.Ordinal));
        await owner.SendMessageAsync(room, "after the resync").DefaultTimeout();
        // Sent after it by the same writer, so had bob still been in the room he would have had that first.
        var barrier = await owner.SendMessageAsync(elsewhere, "barrier").DefaultTimeout();
        Assert.Equal(barrier, await bobMessages.NextAsync());
        Assert.Equal(["owner", "root"], (await owner.JoinRoomAsync(room).DefaultTimeout()).Members.Select(m => m.UserId).Order());
        Assert.Equal(2, removals.All.Count);
    }
}
