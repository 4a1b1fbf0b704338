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

    [Fact]
    public async Task OnANodeWithManyUsersADirectMessageReachesEveryConnectionOfBothUsersOnlyAndANoteToSelfEachOfTheUsersOnce()
    {
        await using var host = await HubAppHost.StartAsync();
        var connections = new List<ChatClient>();
        try
        {
            async Task<(ChatClient Client, Inbox<DirectMessage> Inbox)> ConnectAsync(string userId)
            {
                var connection = await host.ConnectAsync(userId);
                connections.Add(connection);
                var inbox = new Inbox<DirectMessage>();
                connection.DirectMessageReceived += inbox.Add;
                return (connection, inbox);
            }

            // Users whose ids share a prefix with the two, several with two connections, connected before and after them.
            var others = new List<(string UserId, Inbox<DirectMessage> Inbox)>();
            for (var i = 0; i < 30; i++)
            {
                var userId = i % 3 == 0 ? $"bob{i}" : $"user-{i}";
                others.Add((userId, (await ConnectAsync(userId)).Inbox));
                if (i % 4 == 0)
                {
                    others.Add((userId, (await ConnectAsync(userId)).Inbox));
                }
            }

            var alice = new[] { await ConnectAsync("alice"), await ConnectAsync("alice") };
            var bob = new[] { await ConnectAsync("bob"), await ConnectAsync("bob"), await ConnectAsync("bob") };
            others.Add(("al", (await ConnectAsync("al")).Inbox));
            var zed = (await ConnectAsync("zed")).Client;

            // One of bob's connections closes: his others still get what is sent to him.
            connections.Remove(bob[1].Client);
            await bob[1].Client.DisposeAsync();
            var sender = alice[0].Client;

            var sent = await sender.SendDirectMessageAsync("bob", "psst").DefaultTimeout();
            foreach (var (_, inbox) in alice.Concat([bob[0], bob[2]]))
            {
                Assert.Equal(sent, await inbox.NextAsync());
            }

            var note = await sender.SendDirectMessageAsync("alice", "note to self").DefaultTimeout();
            foreach (var (_, inbox) in alice)
            {
                Assert.Equal(note, await inbox.NextAsync());
            }

            // A later direct message to each other user arriving first proves neither of the two above reached them.
            foreach (var userId in others.Select(o => o.UserId).Distinct())
            {
                await zed.SendDirectMessageAsync(userId, "barrier").DefaultTimeout();
            }

            foreach (var (userId, inbox) in others)
            {
                var first = await inbox.NextAsync();
                Assert.Equal(("barrier", userId), (first.Text, first.ToUserId));
            }

            // And the note to self reached each of alice's connections once: the next thing either sees is this.
            var after = await sender.SendDirectMessageAsync("alice", "after").DefaultTimeout();
            foreach (var (_, inbox) in alice)
            {
                Assert.Equal(after, await inbox.NextAsync());
            }
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
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
