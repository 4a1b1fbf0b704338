using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Client;

public sealed partial class ChatClientV3Tests
{
    [Fact]
    public async Task SearchFindsMessagesByTheirCurrentTextNewestFirstInTheUsersRoomsAndDirectMessages()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        await using var bob = await host.ConnectAsync("bob");
        await alice.JoinRoomAsync(Room).DefaultTimeout();
        await bob.JoinRoomAsync("elsewhere").DefaultTimeout();
        var older = await alice.SendMessageAsync(Room, "the quick brown fox").DefaultTimeout();
        var edited = await alice.SendMessageAsync(Room, "a slow fox").DefaultTimeout();
        var newer = await alice.PostAsync(Room, new Draft("quicksilver fox", ThreadId: older.Id)).DefaultTimeout();
        await alice.EditMessageAsync(Room, edited.Id, "a slow dog").DefaultTimeout();
        await bob.SendMessageAsync("elsewhere", "quick fox in a room alice never joined").DefaultTimeout();
        var direct = await bob.SendDirectMessageAsync("alice", "a quick word").DefaultTimeout();

        var found = await alice.SearchAsync("fox quick").DefaultTimeout();
        var inRoom = await alice.SearchAsync("fox", Room).DefaultTimeout();
        var dog = await alice.SearchAsync("slow").DefaultTimeout();
        var directFound = await alice.SearchDirectAsync("QUICK").DefaultTimeout();

        Assert.Equal([newer.Id, older.Id], found.Select(m => m.Id));
        Assert.Equal([newer.Id, older.Id], inRoom.Select(m => m.Id));
        Assert.Equal(("a slow dog", edited.Id), (dog.Single().Text, dog.Single().Id));
        Assert.Equal([direct.Id], directFound.Select(m => m.Id));
        var refused = await Assert.ThrowsAsync<ChatException>(() => alice.SearchAsync("?!").DefaultTimeout());
        Assert.Equal(ErrorCodes.InvalidMessage, refused.Code);
    }
}
