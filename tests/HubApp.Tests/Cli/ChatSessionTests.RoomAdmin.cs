using HubApp.Contracts;
using HubApp.Testing;

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
        await bob.JoinRoomAsync("club").DefaultTimeout();
        terminal.Type("/mute bob 5");
        await terminal.WaitForAsync("— bob muted in club until");
        Assert.Equal(ErrorCodes.Muted, (await Assert.ThrowsAsync<HubApp.Client.ChatException>(() => bob.PostMessageAsync("club", "hi", null).DefaultTimeout())).Code);
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
        await owner.CreateRoomAsync("hall", RoomKinds.Public).DefaultTimeout();
        await using var terminal = await Terminal.StartAsync(host, "alice");
        terminal.Type("/join hall");
        await terminal.WaitForAsync("— hall:");

        await owner.KickAsync("hall", "alice").DefaultTimeout();

        await terminal.WaitForAsync("— you are out of hall: kicked by owner");
        terminal.Type("/rooms");
        await terminal.WaitForAsync("You have joined no room.");
    }

    [Fact]
    public async Task ATerminalOwnerDeletesTheirOwnMessageByNumberAndKicksAUserWhoIsToldAndLeavesTheRoom()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var bob = await host.ConnectAsync("bob", "Bob");
        var bobMessages = new Inbox<ChatMessage>();
        var removed = new Inbox<RoomRemoval>();
        bob.MessageReceived += bobMessages.Add;
        bob.RemovedFromRoom += removed.Add;
        await using var terminal = await Terminal.StartAsync(host, "alice");
        terminal.Type("/create hall public");
        await terminal.WaitForAsync("— created public room hall");
        terminal.Type("/join hall");
        await terminal.WaitForAsync("— hall: 1 present");
        await bob.JoinRoomAsync("hall").DefaultTimeout();
        await terminal.WaitForAsync("→ Bob joined hall");

        terminal.Type("said too soon");
        var mine = await bobMessages.NextAsync(m => m.UserId == "alice");
        await terminal.WaitForAsync($"#{mine.Id} [hall] alice: said too soon");
        terminal.Type($"/delete {mine.Id}");
        var deletion = await bobMessages.NextAsync(m => m.Kind == MessageKinds.Delete);
        Assert.Equal((mine.Id, "alice"), (deletion.TargetId, deletion.UserId));
        await terminal.WaitForAsync($"#{mine.Id} [hall] (message deleted by alice)");
        // History holds the target emptied, and the text nowhere.
        var history = await bob.GetHistoryAsync("hall", null, 50).DefaultTimeout();
        var target = Assert.Single(history, m => m.Id == mine.Id);
        Assert.Equal(string.Empty, target.Text);
        Assert.NotNull(target.DeletedAt);
        Assert.DoesNotContain(history, m => m.Text.Contains("said too soon", StringComparison.Ordinal));

        terminal.Type("/kick bob");
        Assert.Equal(new RoomRemoval("hall", RemovalReasons.Kicked, "alice", null), await removed.NextAsync());
        await terminal.WaitForAsync("— bob kicked from hall");
        await terminal.WaitForAsync("← Bob left hall");
        terminal.Type("/who");
        await terminal.WaitForAsync("— present in hall: alice");
        Assert.DoesNotContain("Bob", terminal.Lines.Last(l => l.Contains("— present in hall:", StringComparison.Ordinal)), StringComparison.Ordinal);
    }
}
