using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Cli;

public sealed partial class ChatSessionTests
{
    [Fact]
    public async Task ReactCommandsShowTheMessagesLineAgainWithItsReactionsAndAJoinShowsThemFolded()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var bob = await host.ConnectAsync("bob", "Bob");
        await bob.JoinRoomAsync("general").DefaultTimeout();
        var lunch = await bob.SendMessageAsync("general", "lunch at noon?").DefaultTimeout();
        await using var terminal = await Terminal.StartAsync(host, "alice");
        terminal.Type("/join general");
        await terminal.WaitForAsync($"#{lunch.Id} [general] Bob: lunch at noon?");

        terminal.Type($"/react {lunch.Id} 👍");
        await terminal.WaitForAsync($"#{lunch.Id} [general] Bob: lunch at noon? [👍 1]");
        await bob.ReactAsync("general", lunch.Id, "❤").DefaultTimeout();
        await terminal.WaitForAsync($"#{lunch.Id} [general] Bob: lunch at noon? [👍 1 ❤ 1]");
        terminal.Type($"/unreact {lunch.Id} 👍");
        await terminal.WaitForAsync($"#{lunch.Id} [general] Bob: lunch at noon? [❤ 1]");
        terminal.Type($"/react {lunch.Id} not one");
        await terminal.WaitForAsync("! Not sent: “not one on #");
        terminal.Type("/react 99 👍");
        await terminal.WaitForAsync("There is no such message or room.");
        terminal.Type("/react x 👍");
        await terminal.WaitForAsync("! /react needs a message number and an emoji");

        // Joined afresh, the room reads as stored: the message once, with its reactions, and no reaction lines.
        terminal.Type("/join general");
        await terminal.WaitForAsync("— general:");
        terminal.Type("/who");
        await terminal.WaitForAsync("— present in general:");
        Assert.Equal(2, terminal.Count($"#{lunch.Id} [general] Bob: lunch at noon? [❤ 1]"));
        Assert.DoesNotContain(terminal.Lines, l => l.Contains("reacted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RepliesQuoteTheirParentThreadRepliesNameTheirRootAndTheRootCountsThem()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var bob = await host.ConnectAsync("bob", "Bob");
        await bob.JoinRoomAsync("general").DefaultTimeout();
        var lunch = await bob.SendMessageAsync("general", "lunch at noon? the usual place").DefaultTimeout();
        await using var terminal = await Terminal.StartAsync(host, "alice");
        terminal.Type("/join general");
        await terminal.WaitForAsync($"#{lunch.Id} [general] Bob: lunch at noon?");

        terminal.Type($"/reply {lunch.Id} sounds good");
        await terminal.WaitForAsync("alice: sounds good");
        await bob.PostAsync("general", new Draft("me too", ThreadId: lunch.Id)).DefaultTimeout();
        await terminal.WaitForAsync($"Bob in thread #{lunch.Id}: me too");
        terminal.Type($"/thread {lunch.Id} count me in");
        await terminal.WaitForAsync($"alice in thread #{lunch.Id}: count me in");
        terminal.Type($"/thread {lunch.Id}");
        await terminal.WaitForAsync($"— the thread of #{lunch.Id}, 2 replies:");

        terminal.Type("/join general");
        await terminal.WaitForAsync($"#{lunch.Id} [general] Bob: lunch at noon? the usual place (2 replies)");
        terminal.Type("/who");
        await terminal.WaitForAsync("— present in general:");
        Assert.Equal(2, terminal.Count("↪ Bob: lunch at noon? the usual place"));
        // The quote is the line above the reply, each time.
        var quote = terminal.IndexOf("↪ Bob: lunch at noon?");
        Assert.Equal(quote + 1, terminal.IndexOf("alice: sounds good"));
        // The listing shows the root with its size, not the replies of a thread it shows.
        Assert.Equal(2, terminal.Count("Bob in thread #"));
    }

    [Fact]
    public async Task SearchFindsWordsInTheUsersRoomsAndDirectMessagesAndAMentionElsewhereIsShown()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var bob = await host.ConnectAsync("bob", "Bob");
        await bob.JoinRoomAsync("general").DefaultTimeout();
        await using var terminal = await Terminal.StartAsync(host, "alice");
        terminal.Type("/join general");
        await terminal.WaitForAsync("— general:");
        terminal.Type("the quarterly report is late");
        await terminal.WaitForAsync("alice: the quarterly report is late");
        await bob.SendDirectMessageAsync("alice", "about that report").DefaultTimeout();
        await terminal.WaitForAsync("[dm] Bob → alice: about that report");

        terminal.Type("/search report");
        await terminal.WaitForAsync("— found for “report”: 1 in your rooms, 1 in direct messages (newest first)");
        terminal.Type("/search ?!");
        await terminal.WaitForAsync("! Search for at least one letter or digit");
        await bob.JoinRoomAsync("elsewhere").DefaultTimeout();
        await bob.SendMessageAsync("elsewhere", "@alice have a look").DefaultTimeout();
        await terminal.WaitForAsync("@ Bob mentioned you in elsewhere: @alice have a look (/join elsewhere)");
        terminal.Type("/help");
        await terminal.WaitForAsync("/react ID EMOJI");
    }
}
