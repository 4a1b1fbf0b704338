using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;

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
        await alice.JoinRoomAsync("room").DefaultTimeout();
        await bob.JoinRoomAsync("room").DefaultTimeout();

        var accepted = new List<ChatMessage>();
        var refused = new List<ChatException>();
        for (var i = 0; i < 12; i++)
        {
            try
            {
                // The raw invocation: SendMessageAsync would pace itself instead of being refused.
                accepted.Add(await alice.PostMessageAsync("room", $"m{i}", null).DefaultTimeout());
            }
            catch (ChatException ex)
            {
                refused.Add(ex);
            }
        }

        // Direct messages draw on the same bucket; typing has an allowance of its own, untouched.
        var direct = await Assert.ThrowsAsync<ChatException>(() => alice.PostDirectMessageAsync("bob", "x", null).DefaultTimeout());
        await alice.TypingAsync("room", true).DefaultTimeout();

        // The burst of 5 plus at most the few tokens refilled while the loop ran.
        Assert.InRange(accepted.Count, 5, 8);
        Assert.All(refused.Append(direct), e => Assert.Equal(ErrorCodes.RateLimited, e.Code));
        Assert.Equal(accepted.Select(m => m.Id), (await alice.GetHistoryAsync("room", null, 50).DefaultTimeout()).Select(m => m.Id));
        await received.WaitForCountAsync(accepted.Count);
        // Bob's own message, after alice's, is the barrier: nothing refused reached him before it.
        var barrier = await bob.SendMessageAsync("room", "barrier").DefaultTimeout();
        var all = await received.WaitForCountAsync(accepted.Count + 1);
        Assert.Equal(accepted.Append(barrier), all);
        Assert.Equal("pong", await alice.PingAsync().DefaultTimeout());
    }

    [Fact]
    public async Task PostMessageAndPostDirectMessageDrawOnTheMessageAllowanceRepeatsIncluded()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?>
        {
            ["Limits:MessagesPerSecond"] = "1",
            ["Limits:Burst"] = "2",
        });
        await using var alice = await host.ConnectAsync("alice");
        await alice.JoinRoomAsync("room").DefaultTimeout();

        var first = await alice.PostMessageAsync("room", "hi", "c-1").DefaultTimeout();
        await alice.PostMessageAsync("room", "hi", "c-1").DefaultTimeout();
        // The burst is spent within well under the second one token takes to come back.
        var post = await Assert.ThrowsAsync<ChatException>(() => alice.PostMessageAsync("room", "hi", "c-1").DefaultTimeout());
        var direct = await Assert.ThrowsAsync<ChatException>(() => alice.PostDirectMessageAsync("bob", "hi", "d-1").DefaultTimeout());

        Assert.All([post, direct], e => Assert.Equal(ErrorCodes.RateLimited, e.Code));
        Assert.Equal([first], await alice.GetHistoryAsync("room", null, 10).DefaultTimeout());
    }

    [Fact]
    public async Task TypingHasAnAllowanceOfItsOwnThatNeverUsesUpTheOneForMessages()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?>
        {
            ["Limits:MessagesPerSecond"] = "1",
            ["Limits:Burst"] = "2",
            ["Limits:TypingPerSecond"] = "1",
        });
        await using var alice = await host.ConnectAsync("alice");
        await using var bob = await host.ConnectAsync("bob");
        var typing = new Inbox<TypingEvent>();
        bob.UserTyping += typing.Add;
        await alice.JoinRoomAsync("room").DefaultTimeout();
        await bob.JoinRoomAsync("room").DefaultTimeout();

        // The typing burst is 5 (the contract's default); a few more may have been refilled meanwhile.
        var refusedTyping = 0;
        for (var i = 0; i < 12; i++)
        {
            try
            {
                await alice.TypingAsync("room", i % 2 == 0).DefaultTimeout();
            }
            catch (ChatException ex) when (ex.Code == ErrorCodes.RateLimited)
            {
                refusedTyping++;
            }
        }

        // Every message of the burst still goes through after all that typing, at the first try (the raw invocation,
        // which SendMessageAsync would retry).
        var first = await alice.PostMessageAsync("room", "one", null).DefaultTimeout();
        var second = await alice.PostMessageAsync("room", "two", null).DefaultTimeout();

        Assert.InRange(refusedTyping, 4, 7);
        Assert.Equal(["one", "two"], new[] { first.Text, second.Text });
        await typing.WaitForCountAsync(12 - refusedTyping);
        await Task.Delay(200);
        Assert.Equal(12 - refusedTyping, typing.All.Count);
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
        await first.JoinRoomAsync("room").DefaultTimeout();
        await second.JoinRoomAsync("room").DefaultTimeout();

        for (var i = 0; i < 2; i++)
        {
            await first.SendMessageAsync("room", "first").DefaultTimeout();
        }

        await Assert.ThrowsAsync<ChatException>(() => first.PostMessageAsync("room", "over", null).DefaultTimeout());
        var fromSecond = await second.SendMessageAsync("room", "second").DefaultTimeout();

        Assert.Equal("second", fromSecond.Text);
    }
}
