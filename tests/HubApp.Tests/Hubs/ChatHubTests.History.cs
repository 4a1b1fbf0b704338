using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Hubs;

public sealed partial class ChatHubTests
{
    [Fact]
    public async Task JoiningWithoutSinceIdGivesTheLatestJoinCountMessages()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["History:JoinCount"] = "5" });
        await using var alice = await host.ConnectAsync("alice");
        await alice.JoinRoomAsync("room").DefaultTimeout();
        var sent = await SendManyAsync(alice, "room", 12);
        await using var bob = await host.ConnectAsync("bob");

        var snapshot = await bob.JoinRoomAsync("room").DefaultTimeout();

        Assert.Equal(sent.TakeLast(5), snapshot.Messages);
        Assert.True(snapshot.Complete);
    }

    [Fact]
    public async Task JoiningWithSinceIdGivesTheOldestMissedMessagesInPagesUntilComplete()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["History:MaxCatchUp"] = "4" });
        await using var alice = await host.ConnectAsync("alice");
        await alice.JoinRoomAsync("room").DefaultTimeout();
        var sent = await SendManyAsync(alice, "room", 10);
        await using var bob = await host.ConnectAsync("bob");

        var first = await bob.JoinRoomAsync("room", sent[1].Id).DefaultTimeout();
        var second = await bob.JoinRoomAsync("room", first.Messages[^1].Id).DefaultTimeout();
        var nothingNew = await bob.JoinRoomAsync("room", sent[^1].Id).DefaultTimeout();

        Assert.Equal(sent[2..6], first.Messages);
        Assert.False(first.Complete);
        Assert.Equal(sent[6..10], second.Messages);
        Assert.True(second.Complete);
        Assert.Empty(nothingNew.Messages);
        Assert.True(nothingNew.Complete);
    }

    [Fact]
    public async Task GetHistoryScrollsBackInAscendingPages()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        await alice.JoinRoomAsync("room").DefaultTimeout();
        var sent = await SendManyAsync(alice, "room", 7);

        var newest = await alice.GetHistoryAsync("room", null, 3).DefaultTimeout();
        var older = await alice.GetHistoryAsync("room", newest[0].Id, 3).DefaultTimeout();
        var oldest = await alice.GetHistoryAsync("room", older[0].Id, 3).DefaultTimeout();
        var beyond = await alice.GetHistoryAsync("room", oldest[0].Id, 3).DefaultTimeout();

        Assert.Equal(sent[4..], newest);
        Assert.Equal(sent[1..4], older);
        Assert.Equal(sent[..1], oldest);
        Assert.Empty(beyond);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-5, 1)]
    [InlineData(1000, 200)]
    public async Task GetHistoryHoldsTheLimitBetweenOneAndTwoHundred(int limit, int expected)
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        await alice.JoinRoomAsync("room").DefaultTimeout();
        await SendManyAsync(alice, "room", 205);

        var page = await alice.GetHistoryAsync("room", null, limit).DefaultTimeout();

        Assert.Equal(expected, page.Count);
    }

    [Fact]
    public async Task OldMessagesBeyondMaxMessagesPerRoomArePrunedWhileIdsKeepGrowing()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["History:MaxMessagesPerRoom"] = "100" });
        await using var alice = await host.ConnectAsync("alice");
        await alice.JoinRoomAsync("room").DefaultTimeout();
        var sent = await SendManyAsync(alice, "room", 300);

        var fromStart = await alice.JoinRoomAsync("room", 0).DefaultTimeout();

        Assert.Equal(300, sent[^1].Id);
        Assert.InRange(fromStart.Messages.Count, 100, 164); // pruned in steps of 64 ids
        Assert.Equal(sent[^fromStart.Messages.Count..], fromStart.Messages);
        Assert.True(fromStart.Complete);
    }

    private static async Task<ChatMessage[]> SendManyAsync(HubApp.Client.ChatClient client, string room, int count)
    {
        var sent = new ChatMessage[count];
        for (var i = 0; i < count; i++)
        {
            sent[i] = await client.SendMessageAsync(room, $"message {i}").DefaultTimeout();
        }

        return sent;
    }
}
