using HubApp.Contracts;
using HubApp.Storage;
using HubApp.Testing;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace HubApp.Tests.Hubs;

public sealed partial class ChatHubTests
{
    /// <summary>A member as the official client connects it, with the protocol, transport and reconnect mode under test.</summary>
    public static TheoryData<string, HttpTransportType, bool> Members => new()
    {
        { "json", HttpTransportType.WebSockets, false },
        { "messagepack", HttpTransportType.WebSockets, false },
        { "json", HttpTransportType.WebSockets, true },
        { "messagepack", HttpTransportType.WebSockets, true },
        { "json", HttpTransportType.ServerSentEvents, false },
        { "json", HttpTransportType.LongPolling, false },
        { "messagepack", HttpTransportType.LongPolling, false },
    };

    [Theory]
    [MemberData(nameof(Members))]
    public async Task ABatchsEntriesForSeveralRoomsReachAMemberOfBothInIdOrderPerRoomExactlyOnce(string protocol, HttpTransportType transport, bool statefulReconnect)
    {
        await using var host = await HubAppHost.StartAsync(services: SwitchableStore.Install);
        var (bob, received) = await JoinBothRoomsAsync(host.BaseAddress, protocol, transport, statefulReconnect);
        await using var _ = bob;

        var sent = await WriteOneBatchAsync(host, () => Task.CompletedTask);

        await AssertReceivedOnceInOrderAsync(host, sent, received);
    }

    [Theory]
    [InlineData("json")]
    [InlineData("messagepack")]
    public async Task ABatchSentWhileAStatefulConnectionIsCutOffIsReplayedWholeOnItsReturn(string protocol)
    {
        await using var host = await HubAppHost.StartAsync(services: SwitchableStore.Install);
        await using var proxy = TcpProxy.Start(host.BaseAddress);
        var (bob, received) = await JoinBothRoomsAsync(proxy.BaseAddress, protocol, HttpTransportType.WebSockets, statefulReconnect: true);
        await using var _ = bob;
        var connectionId = bob.ConnectionId;

        // Cut off while the batch is committed: the entries wait in the server's reconnect buffer for the connection's return.
        IReadOnlyList<ChatMessage> sent;
        using (proxy.Hold())
        {
            sent = await WriteOneBatchAsync(host, () =>
            {
                Assert.True(proxy.ResetAll() >= 1, "nothing was reset");
                return Task.CompletedTask;
            });
        }

        await AssertReceivedOnceInOrderAsync(host, sent, received);
        Assert.Equal(connectionId, bob.ConnectionId);
    }

    /// <summary>Bob, connected by the official client as the case asks, in rooms "one" and "two".</summary>
    private static async Task<(HubConnection Bob, Inbox<ChatMessage> Received)> JoinBothRoomsAsync(Uri server, string protocol, HttpTransportType transport, bool statefulReconnect)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(server, HubMethods.Path), transport, o => o.AccessTokenProvider = () => Task.FromResult<string?>(TestTokens.Create("bob", "Bob")));
        if (protocol == "messagepack")
        {
            builder.AddMessagePackProtocol();
        }

        if (statefulReconnect)
        {
            builder.WithStatefulReconnect();
        }

        var bob = builder.Build();
        var received = new Inbox<ChatMessage>();
        bob.On<ChatMessage>(nameof(IChatClient.MessageReceived), received.Add);
        await bob.StartAsync().DefaultTimeout();
        await bob.InvokeAsync<RoomSnapshot>(HubMethods.JoinRoom, "one", null).DefaultTimeout();
        await bob.InvokeAsync<RoomSnapshot>(HubMethods.JoinRoom, "two", null).DefaultTimeout();
        return (bob, received);
    }

    /// <summary>
    /// One write held in the store, six queued behind it interleaved by room, then <paramref name="beforeCommit"/> and the
    /// release: the six are committed together (checked), and the seven come back in id order.
    /// </summary>
    private static async Task<IReadOnlyList<ChatMessage>> WriteOneBatchAsync(HubAppHost host, Func<Task> beforeCommit)
    {
        var store = (SwitchableStore)host.Services.GetRequiredService<IMessageStore>();
        var writer = host.Services.GetRequiredService<MessageWriter>();
        var held = store.HoldAppends();
        List<Task<ChatMessage>> writes = [writer.WriteAsync(new NewChatMessage("one", "alice", "Alice", "first"), CancellationToken.None)];
        try
        {
            await held.NextBatchAsync();
            foreach (var i in Enumerable.Range(0, 6))
            {
                writes.Add(writer.WriteAsync(new NewChatMessage(i % 3 == 2 ? "two" : "one", "alice", "Alice", $"m{i}"), CancellationToken.None));
            }

            await beforeCommit();
        }
        finally
        {
            held.Release();
        }

        var sent = await Task.WhenAll(writes).DefaultTimeout();
        Assert.Contains(6, store.AppendedMessages);
        return sent;
    }

    /// <summary>Every entry of <paramref name="sent"/> and then a barrier, each room's in id order, none twice.</summary>
    private static async Task AssertReceivedOnceInOrderAsync(HubAppHost host, IReadOnlyList<ChatMessage> sent, Inbox<ChatMessage> received)
    {
        var writer = host.Services.GetRequiredService<MessageWriter>();
        var barrier = await writer.WriteAsync(new NewChatMessage("one", "alice", "Alice", "barrier"), CancellationToken.None).DefaultTimeout();
        var got = new List<ChatMessage>();
        while (got.LastOrDefault() != barrier && got.Count <= sent.Count)
        {
            got.Add(await received.NextAsync(TestTimeouts.Slow));
        }

        Assert.Equal([.. sent.Where(m => m.Room == "one"), barrier], got.Where(m => m.Room == "one"));
        Assert.Equal(sent.Where(m => m.Room == "two"), got.Where(m => m.Room == "two"));
    }
}
