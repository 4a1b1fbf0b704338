using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Threads;

/// <summary>Stored mentions and <c>Mentioned</c> (docs/protocol.md, "Mentions"), on one host.</summary>
public sealed class MentionTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task MentionedReachesEveryConnectionOfAMentionedReaderJoinedOrNotAndNobodyElse(bool messagePack)
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice", messagePack: messagePack);
        await using var phone = await RawChatConnection.ConnectAsync(host.BaseAddress, "bob", messagePack: messagePack);
        await using var laptop = await RawChatConnection.ConnectAsync(host.BaseAddress, "bob", messagePack: messagePack);
        await using var carol = await RawChatConnection.ConnectAsync(host.BaseAddress, "carol", messagePack: messagePack);
        await alice.InvokeAsync<RoomInfo>(HubMethods.CreateRoom, "club", RoomKinds.Private, null);
        await alice.InvokeAsync(HubMethods.InviteToRoom, "club", "bob");
        await alice.JoinAsync("club");
        await alice.JoinAsync("lobby");
        // A round trip each: a connection is in the presence directory once the hub answered it.
        await phone.InvokeAsync<string>(HubMethods.Ping);
        await laptop.InvokeAsync<string>(HubMethods.Ping);
        await carol.InvokeAsync<string>(HubMethods.Ping);

        // The loop goes through the mentions in order: carol's (who may not read the club) and the author's come before bob's.
        var secret = await alice.SendAsync("club", "@alice @carol @Bob: the plan");
        var onPhone = await phone.Mentions.NextAsync();
        var onLaptop = await laptop.Mentions.NextAsync();
        await alice.InvokeAsync<ChatMessage>(HubMethods.EditMessage, "club", secret.Id, "@bob @carol: the new plan");
        var open = await alice.PostAsync("lobby", new Draft("@carol @bob @alice, in the open"));

        Assert.Equal(["alice", "carol", "bob"], secret.Mentions!);
        Assert.Equal((secret.Id, "club", "@alice @carol @Bob: the plan"), (onPhone.Id, onPhone.Room, onPhone.Text));
        Assert.Equal(onPhone.Id, onLaptop.Id);
        // The edit told no one: the next Mentioned of each is the lobby's; carol's first one too, and alice got none.
        Assert.Equal(("lobby", open.Id), (await carol.Mentions.NextAsync()) is var c ? (c.Room, c.Id) : default);
        Assert.Equal(open.Id, (await phone.Mentions.NextAsync()).Id);
        Assert.Equal(open.Id, (await laptop.Mentions.NextAsync()).Id);
        Assert.Single(carol.Mentions.All);
        Assert.Empty(alice.Mentions.All);
        var stored = await alice.MessagesAsync("club", secret.Id);
        Assert.Equal(["bob", "carol"], stored[0].Mentions!);
    }

    [Fact]
    public async Task TheMentionCountIsReadFromStoredMentionsAndForgetsADeletedOrEditedMention()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice");
        await using var bob = await RawChatConnection.ConnectAsync(host.BaseAddress, "bob");
        await bob.JoinAsync("talk");
        await bob.InvokeAsync(HubMethods.LeaveRoom, "talk");
        await alice.JoinAsync("talk");
        var first = await alice.SendAsync("talk", "hi @bob");
        var second = await alice.PostAsync("talk", new Draft("@bob, in a thread", ThreadId: first.Id));
        var third = await alice.SendAsync("talk", "and @BOB again");

        Assert.Equal(3, (await bob.JoinAsync("talk", 0)).MentionCount);
        await alice.InvokeAsync<ChatMessage>(HubMethods.DeleteMessage, "talk", second.Id);
        await alice.InvokeAsync<ChatMessage>(HubMethods.EditMessage, "talk", third.Id, "and nobody");
        var rooms = await bob.InvokeAsync<MyRoom[]>(HubMethods.GetMyRooms);

        Assert.Equal(1, Assert.Single(rooms).MentionCount);
        Assert.Equal(1, (await bob.JoinAsync("talk", 0)).MentionCount);
    }
}
