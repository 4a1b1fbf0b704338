using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;
using Microsoft.AspNetCore.Http.Connections;

namespace HubApp.Tests.Client;

/// <summary>HubApp.Client against the real host over each transport and both hub protocols.</summary>
public sealed class TransportMatrixTests
{
    [Theory]
    [InlineData(HttpTransportType.WebSockets, ChatProtocol.Json)]
    [InlineData(HttpTransportType.WebSockets, ChatProtocol.MessagePack)]
    [InlineData(HttpTransportType.ServerSentEvents, ChatProtocol.Json)]
    [InlineData(HttpTransportType.ServerSentEvents, ChatProtocol.MessagePack)]
    [InlineData(HttpTransportType.LongPolling, ChatProtocol.Json)]
    [InlineData(HttpTransportType.LongPolling, ChatProtocol.MessagePack)]
    public async Task TheClientJoinsSendsReceivesWritesDirectlySeesTypingAndReadsHistoryOverEachTransportAndProtocol(HttpTransportType transport, ChatProtocol protocol)
    {
        // SignalR logs the handshake's protocol at Debug; the host's appsettings hold Microsoft.* to warnings.
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.AspNetCore.SignalR.HubConnectionContext"] = "Debug" });
        if (transport == HttpTransportType.ServerSentEvents && protocol == ChatProtocol.MessagePack)
        {
            // Server-Sent Events carry only text; MessagePack is binary. The client says so before connecting.
            var refused = Assert.Throws<ArgumentException>(() => host.CreateClient("alice", transports: transport, protocol: protocol));
            Assert.Contains("Server-Sent Events carry only text", refused.Message, StringComparison.Ordinal);
            return;
        }

        await using var alice = host.CreateClient("alice", "Alice \U0001F600", transports: transport, protocol: protocol);
        await using var bob = await host.ConnectAsync("bob");
        var messages = new Inbox<ChatMessage>();
        var joined = new Inbox<PresenceEvent>();
        var typing = new Inbox<TypingEvent>();
        var direct = new Inbox<DirectMessage>();
        alice.MessageReceived += messages.Add;
        alice.UserJoined += joined.Add;
        alice.UserTyping += typing.Add;
        alice.DirectMessageReceived += direct.Add;
        await alice.StartAsync().DefaultTimeout();
        await alice.JoinRoomAsync("Room").DefaultTimeout();

        await bob.JoinRoomAsync("room").DefaultTimeout();
        var bobJoined = await joined.NextAsync();
        var own = await alice.SendMessageAsync("room", "hello \u4f60\u597d").DefaultTimeout();
        var fromBob = await bob.SendMessageAsync("room", "hi alice").DefaultTimeout();
        await bob.TypingAsync("room", true).DefaultTimeout();
        var bobTyping = await typing.NextAsync();
        var toAlice = await bob.SendDirectMessageAsync("alice", "psst").DefaultTimeout();
        var toBob = await alice.SendDirectMessageAsync("bob", "yes?").DefaultTimeout();
        var history = await alice.GetHistoryAsync("room", null, 10).DefaultTimeout();

        Assert.Equal(("room", "bob"), (bobJoined.Room, bobJoined.UserId));
        Assert.Equal(("Alice \U0001F600", "hello \u4f60\u597d"), (own.UserName, own.Text));
        Assert.Equal([own, fromBob], await messages.WaitForCountAsync(2));
        Assert.Equal(("bob", true), (bobTyping.UserId, bobTyping.IsTyping));
        // Both directions of a conversation reach both of its users; timestamps survive either protocol.
        Assert.Equal([toAlice, toBob], await direct.WaitForCountAsync(2));
        Assert.Equal([own, fromBob], history);
        var connection = Assert.Single(host.Recorder.Connections, c => c.UserId == "alice");
        Assert.Equal((alice.ConnectionId!, transport), (connection.ConnectionId, connection.Transport));
        // Bob speaks JSON, alice the protocol under test.
        var handshakes = host.Logs.Lines.Where(l => l.Message.Contains("Using HubProtocol", StringComparison.Ordinal)).Select(l => l.Message).ToArray();
        Assert.Equal(protocol == ChatProtocol.Json ? 2 : 1, handshakes.Count(m => m.Contains("'json'", StringComparison.Ordinal)));
        Assert.Equal(protocol == ChatProtocol.MessagePack ? 1 : 0, handshakes.Count(m => m.Contains("'messagepack'", StringComparison.Ordinal)));
    }
}
