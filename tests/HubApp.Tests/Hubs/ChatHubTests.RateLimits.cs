using HubApp.Client;
using HubApp.Contracts;
using HubApp.Tests.Infrastructure;

namespace HubApp.Tests.Hubs;

public sealed partial class ChatHubTests
{
    [Fact]
    public async Task SendsBeyondTheBurstAreRefusedWithRateLimitedAndNothingRefusedIsDelivered()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?>
        {
            ["Limits:MessagesPerSecond"] = "1",
            ["Limits:Burst"] = "5",
        });
        await using var alice = await host.ConnectAsync("alice");
        await using var bob = await host.ConnectAsync("bob");
        var received = new Inbox<ChatMessage>();
        bob.MessageReceived += received.Add;
        await alice.JoinRoomAsync("room").WaitAsync(TestTimeouts.Default);
        await bob.JoinRoomAsync("room").WaitAsync(TestTimeouts.Default);

        var accepted = new List<ChatMessage>();
        var refused = new List<ChatException>();
        for (var i = 0; i < 12; i++)
        {
            try
            {
                accepted.Add(await alice.SendMessageAsync("room", $"m{i}").WaitAsync(TestTimeouts.Default));
            }
            catch (ChatException ex)
            {
                refused.Add(ex);
            }
        }

        // Typing and direct messages draw on the same bucket.
        var typing = await Assert.ThrowsAsync<ChatException>(() => alice.TypingAsync("room", true).WaitAsync(TestTimeouts.Default));
        var direct = await Assert.ThrowsAsync<ChatException>(() => alice.SendDirectMessageAsync("bob", "x").WaitAsync(TestTimeouts.Default));

        // The burst of 5 plus at most the few tokens refilled while the loop ran.
        Assert.InRange(accepted.Count, 5, 8);
        Assert.All(refused.Concat([typing, direct]), e => Assert.Equal(ErrorCodes.RateLimited, e.Code));
        Assert.Equal(accepted.Select(m => m.Id), (await alice.GetHistoryAsync("room", null, 50).WaitAsync(TestTimeouts.Default)).Select(m => m.Id));
        await received.WaitForCountAsync(accepted.Count);
        // Bob's own message, after alice's, is the barrier: nothing refused reached him before it.
        var barrier = await bob.SendMessageAsync("room", "barrier").WaitAsync(TestTimeouts.Default);
        var all = await received.WaitForCountAsync(accepted.Count + 1);
        Assert.Equal(accepted.Append(barrier), all);
        Assert.Equal("pong", await alice.PingAsync().WaitAsync(TestTimeouts.Default));
    }

    [Fact]
    public async Task TheRateLimitIsPerConnection()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?>
        {
            ["Limits:MessagesPerSecond"] = "1",
            ["Limits:Burst"] = "2",
        });
        await using var first = await host.ConnectAsync("alice");
        await using var second = await host.ConnectAsync("alice");
        await first.JoinRoomAsync("room").WaitAsync(TestTimeouts.Default);
        await second.JoinRoomAsync("room").WaitAsync(TestTimeouts.Default);

        for (var i = 0; i < 2; i++)
        {
            await first.SendMessageAsync("room", "first").WaitAsync(TestTimeouts.Default);
        }

        await Assert.ThrowsAsync<ChatException>(() => first.SendMessageAsync("room", "over").WaitAsync(TestTimeouts.Default));
        var fromSecond = await second.SendMessageAsync("room", "second").WaitAsync(TestTimeouts.Default);

        Assert.Equal("second", fromSecond.Text);
    }
}
