using System.Collections.Concurrent;
using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Hubs;

public sealed partial class ChatHubTests
{
    [Fact]
    public async Task AHostRestartKeepsHistoryAndIdsKeepIncreasing()
    {
        var host = await HubAppHost.StartAsync();
        ChatMessage[] before;
        await using (var alice = await host.ConnectAsync("alice"))
        {
            await alice.JoinRoomAsync("room").DefaultTimeout();
            before = await SendManyAsync(alice, "room", 5);
        }

        await host.StopAsync();
        RoomSnapshot snapshot;
        ChatMessage after;
        await using (var restarted = await HubAppHost.StartAsync(dataDirectory: host.DataDirectory))
        await using (var bob = await restarted.ConnectAsync("bob"))
        {
            snapshot = await bob.JoinRoomAsync("room").DefaultTimeout();
            after = await bob.SendMessageAsync("room", "after restart").DefaultTimeout();
        }

        await host.DisposeAsync();

        Assert.Equal(before, snapshot.Messages);
        Assert.Equal(before[^1].Id + 1, after.Id);
    }

    [Fact]
    public async Task AClientDroppedWhileOthersSendCatchesUpWithNothingLostOrDoubled()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["History:MaxCatchUp"] = "7" });
        await using var alice = await host.ConnectAsync("alice");
        await using var bob = host.CreateClient("bob", firstRetry: TimeSpan.FromMilliseconds(300));
        await bob.StartAsync().DefaultTimeout();
        var seen = new Inbox<ChatMessage>();
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.MessageReceived += seen.Add;
        bob.Reconnected += () =>
        {
            reconnected.TrySetResult();
            return Task.CompletedTask;
        };
        await alice.JoinRoomAsync("room").DefaultTimeout();
        await bob.JoinRoomAsync("room").DefaultTimeout();
        var sent = new List<ChatMessage>(await SendManyAsync(alice, "room", 5));
        await seen.WaitForCountAsync(5);

        host.Aborter.AbortUser("bob");
        // Sent while bob is away: more than one catch-up page (MaxCatchUp = 7).
        for (var i = 0; i < 20; i++)
        {
            sent.Add(await alice.SendMessageAsync("room", $"while away {i}").DefaultTimeout());
        }

        await reconnected.Task.DefaultTimeout(TestTimeouts.Slow);
        sent.Add(await alice.SendMessageAsync("room", "after reconnect").DefaultTimeout());

        var all = await seen.WaitForCountAsync(sent.Count, TestTimeouts.Slow);
        Assert.Equal(sent, all);
        Assert.Equal(all[^1].Id, bob.LastSeenIds["room"]);
    }

    [Fact]
    public async Task ManyClientsSendingInManyRoomsAtOnceSeeEachRoomsMessagesInIdOrderWithNoneMissing()
    {
        const int rooms = 6, membersPerRoom = 4, messagesPerMember = 15;
        await using var host = await HubAppHost.StartAsync();
        var clients = new List<(ChatClient Client, string Room, Inbox<ChatMessage> Inbox)>();
        try
        {
            for (var r = 0; r < rooms; r++)
            {
                for (var m = 0; m < membersPerRoom; m++)
                {
                    var client = await host.ConnectAsync($"user-{r}-{m}");
                    var inbox = new Inbox<ChatMessage>();
                    client.MessageReceived += inbox.Add;
                    await client.JoinRoomAsync($"room-{r}").DefaultTimeout();
                    clients.Add((client, $"room-{r}", inbox));
                }
            }

            var acknowledged = new ConcurrentBag<ChatMessage>();
            await Task.WhenAll(clients.Select(c => Task.Run(async () =>
            {
                for (var i = 0; i < messagesPerMember; i++)
                {
                    acknowledged.Add(await c.Client.SendMessageAsync(c.Room, $"{c.Client.ConnectionId} {i}").DefaultTimeout(TestTimeouts.Slow));
                }
            }))).DefaultTimeout(TestTimeouts.Slow);

            var perRoom = acknowledged.GroupBy(m => m.Room).ToDictionary(g => g.Key, g => g.OrderBy(m => m.Id).ToArray());
            foreach (var (_, room, inbox) in clients)
            {
                var expected = perRoom[room];
                Assert.Equal(membersPerRoom * messagesPerMember, expected.Length);
                Assert.Equal(Enumerable.Range(1, expected.Length).Select(i => (long)i), expected.Select(m => m.Id));
                Assert.Equal(expected, await inbox.WaitForCountAsync(expected.Length, TestTimeouts.Slow));
            }
        }
        finally
        {
            foreach (var (client, _, _) in clients)
            {
                await client.DisposeAsync();
            }
        }
    }
}
