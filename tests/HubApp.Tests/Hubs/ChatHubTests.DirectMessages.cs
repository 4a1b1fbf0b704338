using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Hubs;

public sealed partial class ChatHubTests
{
    [Fact]
    public async Task ADirectMessageReachesEveryConnectionOfTheTargetAndOfTheSenderAndNoOneElse()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice", "Alice");
        await using var aliceTablet = await host.ConnectAsync("alice", "Alice");
        await using var bobPhone = await host.ConnectAsync("bob");
        await using var bobLaptop = await host.ConnectAsync("bob");
        await using var carol = await host.ConnectAsync("carol");
        var inboxes = new[] { alice, aliceTablet, bobPhone, bobLaptop, carol }.Select(c =>
        {
            var inbox = new Inbox<DirectMessage>();
            c.DirectMessageReceived += inbox.Add;
            return inbox;
        }).ToArray();

        var sent = await alice.SendDirectMessageAsync("bob", "psst").DefaultTimeout();

        Assert.Equal(("alice", "Alice", "bob", "psst"), (sent.FromUserId, sent.FromUserName, sent.ToUserId, sent.Text));
        foreach (var inbox in inboxes.Take(4))
        {
            Assert.Equal(sent, await inbox.NextAsync());
        }

        // Carol's own direct message to herself arriving first proves alice's never reached her.
        var barrier = await carol.SendDirectMessageAsync("carol", "note to self").DefaultTimeout();
        Assert.Equal(barrier, await inboxes[4].NextAsync());
        Assert.True(barrier.Id > sent.Id);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("has space")]
    [InlineData("tab\there")]
    [InlineData("null\0byte")]
    public async Task ADirectMessageToAnEmptyOrMalformedUserIsRefusedWithInvalidUser(string userId)
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");

        var error = await Assert.ThrowsAsync<ChatException>(() => alice.SendDirectMessageAsync(userId, "hi").DefaultTimeout());

        Assert.Equal(ErrorCodes.InvalidUser, error.Code);
    }

    [Fact]
    public async Task ADirectMessageToAUserIdLongerThanAnyTokenCanCarryIsRefusedWithInvalidUser()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");

        var error = await Assert.ThrowsAsync<ChatException>(() => alice.SendDirectMessageAsync(new string('u', 129), "hi").DefaultTimeout());

        Assert.Equal(ErrorCodes.InvalidUser, error.Code);
    }
}
