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
        var store = (SwitchableStore)host.Services.GetRequiredService<IMessageStore>();
        var writer = host.Services.GetRequiredService<MessageWriter>();
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(host.BaseAddress, HubMethods.Path), transport, o => o.AccessTokenProvider = () => Task.FromResult<string?>(TestTokens.Create("bob", "Bob")));
        if (protocol == "messagepack")
        {
            builder.AddMessagePackProtocol();
        }

        if (statefulReconnect)
        {
            builder.WithStatefulReconnect();
        }

        await using var bob = builder.Build();
        var received = new Inbox<ChatMessage>();
        bob.On<ChatMessage>(nameof(IChatClient.MessageReceived), received.Add);
        await bob.StartAsync().DefaultTimeout();
        await bob.InvokeAsync<RoomSnapshot>(HubMethods.JoinRoom, "one", null).DefaultTimeout();
        await bob.InvokeAsync<RoomSnapshot>(HubMethods.JoinRoom, "two", null).DefaultTimeout();

        // The first write is held in the store; the others queue behind it and are committed together, interleaved by room.
        var held = store.HoldAppends();
        List<Task<ChatMessage>> writes = [writer.WriteAsync(new NewChatMessage("one", "alice", "Alice", "first"), CancellationToken.None)];
        try
        {
            await held.NextBatchAsync();
            foreach (var i in Enumerable.Range(0, 6))
            {
                writes.Add(writer.WriteAsync(new NewChatMessage(i % 3 == 2 ? "two" : "one", "alice", "Alice", $"m{i}"), CancellationToken.None));
            }
        }
        finally
        {
            held.Release();
        }

        var sent = await Task.WhenAll(writes).DefaultTimeout();
        var barrier = await writer.WriteAsync(new NewChatMessage("one", "alice", "Alice", "barrier"), CancellationToken.None).DefaultTimeout();
        var got = new List<ChatMessage>();
        while (got.LastOrDefault() != barrier && got.Count <= sent.Length)
        {
            got.Add(await received.NextAsync());
        }

        Assert.Contains(6, store.AppendedMessages);
        Assert.Equal([.. sent.Where(m => m.Room == "one"), barrier], got.Where(m => m.Room == "one"));
        Assert.Equal(sent.Where(m => m.Room == "two"), got.Where(m => m.Room == "two"));
    }
}
