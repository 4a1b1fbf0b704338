using HubApp.Testing;

namespace HubApp.Tests.Cli;

public sealed partial class ChatSessionTests
{
    [Fact]
    public async Task TheTerminalJoinsTheUsersRoomsAtStartFollowsOtherDevicesAndLeaveLeavesForGood()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var phone = await host.ConnectAsync("alice");
        await using var bob = await host.ConnectAsync("bob", "Bob");
        await phone.JoinRoomAsync("general").DefaultTimeout();
        await phone.JoinRoomAsync("lobby").DefaultTimeout();
        await bob.JoinRoomAsync("lobby").DefaultTimeout();
        await bob.SendMessageAsync("lobby", "hi @alice").DefaultTimeout();
        var removedOnPhone = new Inbox<string>();
        phone.RoomRemoved += removedOnPhone.Add;

        await using (var terminal = await Terminal.StartAsync(host, "alice"))
        {
            await terminal.WaitForAsync("— your rooms: lobby (1 unread, 1 mentioning you), general");
            await terminal.WaitForAsync("— now in lobby");
            await bob.SendMessageAsync("lobby", "still there?").DefaultTimeout();
            await terminal.WaitForAsync("[lobby] Bob: still there?");

            await phone.JoinRoomAsync("elsewhere").DefaultTimeout();
            await terminal.WaitForAsync("— elsewhere was joined on another device");
            await phone.LeaveRoomForGoodAsync("general").DefaultTimeout();
            await terminal.WaitForAsync("— general is no longer one of your rooms");
            terminal.Type("/leave");
            await terminal.WaitForAsync("— left lobby for good");
            Assert.Equal("lobby", await removedOnPhone.NextAsync());
        }

        // The next start (a reload, another device) finds only what is left on the list.
        await using var again = await Terminal.StartAsync(host, "alice");
        await again.WaitForAsync("— your rooms: elsewhere");
        Assert.DoesNotContain(again.Lines, l => l.Contains("lobby", StringComparison.Ordinal) || l.Contains("general", StringComparison.Ordinal));
    }
}
