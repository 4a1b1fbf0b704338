using HubApp.Contracts;
using HubApp.Tests.Infrastructure;

namespace HubApp.Tests.Cli;

public sealed partial class ChatSessionTests
{
    [Fact]
    public async Task ATerminalOwnerCreatesInvitesMutesBansAndFindsRoomsAndTheRemovedUserIsTold()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var bob = await host.ConnectAsync("bob", "Bob");
        var added = new Inbox<RoomInfo>();
        var removed = new Inbox<RoomRemoval>();
        bob.AddedToRoom += added.Add;
        bob.RemovedFromRoom += removed.Add;
        await using var terminal = await Terminal.StartAsync(host, "alice");

        terminal.Type("/create club private knitting and more");
        await terminal.WaitForAsync("— created private room club");
        terminal.Type("/join club");
        await terminal.WaitForAsync("— club: 1 present");
        terminal.Type("/invite bob");
        var invitation = await added.NextAsync();
        Assert.Equal(("club", "knitting and more"), (invitation.Room, invitation.Topic));
        await bob.JoinRoomAsync("club").WaitAsync(TestTimeouts.Default);
        terminal.Type("/mute bob 5");
        await terminal.WaitForAsync("— bob muted in club until");
        Assert.Equal(ErrorCodes.Muted, (await Assert.ThrowsAsync<HubApp.Client.ChatException>(() => bob.PostMessageAsync("club", "hi", null).WaitAsync(TestTimeouts.Default))).Code);
        terminal.Type("/rooms KNIT");
        await terminal.WaitForAsync("  club (private, 2 present) — knitting and more");
        terminal.Type("/ban bob");
        Assert.Equal(new RoomRemoval("club", RemovalReasons.Banned, "alice", null), await removed.NextAsync());
        await terminal.WaitForAsync("— bob banned from club");
        terminal.Type("/create club public");
        await terminal.WaitForAsync("! That room name is taken.");
    }

    [Fact]
    public async Task ATerminalUserRemovedFromARoomIsToldWhyAndLeavesIt()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var owner = await host.ConnectAsync("owner");
        await owner.CreateRoomAsync("hall", RoomKinds.Public).WaitAsync(TestTimeouts.Default);
        await using var terminal = await Terminal.StartAsync(host, "alice");
        terminal.Type("/join hall");
        await terminal.WaitForAsync("— hall:");

        await owner.KickAsync("hall", "alice").WaitAsync(TestTimeouts.Default);

        await terminal.WaitForAsync("— you are out of hall: kicked by owner");
        terminal.Type("/rooms");
        await terminal.WaitForAsync("You have joined no room.");
    }
}
