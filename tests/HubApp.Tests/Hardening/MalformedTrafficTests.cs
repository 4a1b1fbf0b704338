using System.Net.WebSockets;
using System.Text;
using HubApp.Contracts;
using HubApp.Testing;
using Microsoft.Extensions.Logging;

namespace HubApp.Tests.Hardening;

/// <summary>
/// Hostile SignalR traffic over a real socket. Each case gets a clean error or close, the server logs it
/// at most at Warning (it is the client's fault, not the server's), and a bystander's chat is untouched.
/// </summary>
public sealed class MalformedTrafficTests
{
    public static TheoryData<string, string> ClosingHandshakes() => new()
    {
        { "unknown protocol", """{"protocol":"xml","version":1}""" + RawHubSocket.Separator },
        { "invalid JSON", """{"protocol":json""" + RawHubSocket.Separator },
        { "not an object", "[1,2,3]" + RawHubSocket.Separator },
        { "unsupported version", """{"protocol":"json","version":99}""" + RawHubSocket.Separator },
    };

    [Theory]
    [MemberData(nameof(ClosingHandshakes))]
    public async Task ABadHandshakeIsAnsweredWithAnErrorAndClosed(string why, string handshake)
    {
        await using var host = await HubAppHost.StartAsync();
        await using var bystander = await Bystander.JoinAsync(host);
        await using var socket = await RawHubSocket.ConnectAsync(host, "mallory", handshake: false);

        await socket.SendTextAsync(handshake);
        var records = await socket.ReadUntilClosedAsync();

        Assert.True(records.Count == 1 && records[0].Contains("\"error\"", StringComparison.Ordinal), $"{why}: {string.Join(" | ", records)}");
        await bystander.AssertStillChatsAsync();
        AssertNothingAboveWarning(host);
    }

    public static TheoryData<string, string> RefusedInvocations() => new()
    {
        { "unknown method", """{"type":1,"invocationId":"1","target":"DropAllTables","arguments":[]}""" },
        { "too few arguments", """{"type":1,"invocationId":"1","target":"SendMessage","arguments":["room"]}""" },
        { "too many arguments", """{"type":1,"invocationId":"1","target":"Ping","arguments":[1,2,3]}""" },
        { "number for a string", """{"type":1,"invocationId":"1","target":"JoinRoom","arguments":[42,null]}""" },
        { "string for a number", """{"type":1,"invocationId":"1","target":"JoinRoom","arguments":["room","forty-two"]}""" },
        { "object for a bool", """{"type":1,"invocationId":"1","target":"Typing","arguments":["room",{"a":1}]}""" },
        { "null room", """{"type":1,"invocationId":"1","target":"JoinRoom","arguments":[null,null]}""" },
        { "null text", """{"type":1,"invocationId":"1","target":"SendDirectMessage","arguments":["bob",null]}""" },
        { "null limit", """{"type":1,"invocationId":"1","target":"GetHistory","arguments":["room",null,null]}""" },
    };

    [Theory]
    [MemberData(nameof(RefusedInvocations))]
    public async Task AnInvocationWithTheWrongShapeGetsAnErrorCompletionAndTheConnectionStaysOpen(string why, string invocation)
    {
        await using var host = await HubAppHost.StartAsync();
        await using var bystander = await Bystander.JoinAsync(host);
        await using var socket = await RawHubSocket.ConnectAsync(host, "mallory");

        await socket.SendTextAsync(invocation + RawHubSocket.Separator);
        var completion = await socket.ReceiveRecordAsync(r => r.Contains("\"type\":3", StringComparison.Ordinal));
        var pong = await socket.InvokeAsync("2", "Ping", "[]");

        Assert.True(completion?.Contains("\"error\"", StringComparison.Ordinal) == true, $"{why}: {completion}");
        Assert.Contains("\"result\":\"pong\"", pong, StringComparison.Ordinal);
        await bystander.AssertStillChatsAsync();
        AssertNothingAboveWarning(host);
    }

    [Fact]
    public async Task NullArgumentsGetTheContractsErrorCodes()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var socket = await RawHubSocket.ConnectAsync(host, "mallory");

        var room = await socket.InvokeAsync("1", "JoinRoom", "[null,null]");
        await socket.InvokeAsync("2", "JoinRoom", """["room",null]""");
        var text = await socket.InvokeAsync("3", "SendMessage", """["room",null]""");
        var user = await socket.InvokeAsync("4", "SendDirectMessage", """[null,"hi"]""");

        Assert.Contains(ErrorCodes.InvalidRoom + ":", room, StringComparison.Ordinal);
        Assert.Contains(ErrorCodes.InvalidMessage + ":", text, StringComparison.Ordinal);
        Assert.Contains(ErrorCodes.InvalidUser + ":", user, StringComparison.Ordinal);
    }

    public static TheoryData<string, byte[], WebSocketMessageType> ClosingFrames()
    {
        var nested = new string('[', 10_000) + new string(']', 10_000);
        return new()
        {
            { "invalid JSON", Encoding.UTF8.GetBytes("""{"type":1,"target":""" + RawHubSocket.Separator), WebSocketMessageType.Text },
            { "deeply nested JSON", Encoding.UTF8.GetBytes($$"""{"type":1,"invocationId":"1","target":"Ping","arguments":{{nested}}}""" + RawHubSocket.Separator), WebSocketMessageType.Text },
            { "a record over the size limit", Encoding.UTF8.GetBytes($$"""{"type":1,"invocationId":"1","target":"SendMessage","arguments":["room","{{new string('x', 100_000)}}"]}""" + RawHubSocket.Separator), WebSocketMessageType.Text },
            { "no record separator, growing past the limit", Encoding.UTF8.GetBytes($$"""{"type":1,"invocationId":"1","target":"Ping","arguments":["{{new string('x', 60_000)}}"""), WebSocketMessageType.Text },
            { "a binary frame of garbage", [0xFF, 0xFE, 0x00, 0x01, 0x1E], WebSocketMessageType.Binary },
        };
    }

    [Theory]
    [MemberData(nameof(ClosingFrames))]
    public async Task AFrameThatIsNotAValidRecordClosesOnlyThatConnection(string why, byte[] frame, WebSocketMessageType type)
    {
        await using var host = await HubAppHost.StartAsync();
        await using var bystander = await Bystander.JoinAsync(host);
        await using var socket = await RawHubSocket.ConnectAsync(host, "mallory");

        await socket.SendAsync(frame, type);
        var records = await socket.ReadUntilClosedAsync();

        Assert.True(records.All(r => !r.Contains("\"type\":3", StringComparison.Ordinal)), $"{why}: {string.Join(" | ", records)}");
        await bystander.AssertStillChatsAsync();
        AssertNothingAboveWarning(host);
    }

    [Fact]
    public async Task ARecordJustUnderTheSizeLimitIsAccepted()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var socket = await RawHubSocket.ConnectAsync(host, "mallory");
        await socket.InvokeAsync("1", "JoinRoom", """["room",null]""");
        // 4000 characters, each written as a six-byte escape: the largest text a client can legitimately send.
        var escaped = string.Concat(Enumerable.Repeat("\\u0041", 4000));

        var sent = await socket.InvokeAsync("2", "SendMessage", $"[\"room\",\"{escaped}\"]");

        Assert.Contains(new string('A', 4000), sent, StringComparison.Ordinal);
    }

    private static void AssertNothingAboveWarning(HubAppHost host)
    {
        var loud = host.Logs.Lines.Where(l => l.Level > LogLevel.Warning).ToArray();
        Assert.True(loud.Length == 0, "Client misbehaviour was logged as a server error:" + Environment.NewLine + string.Join(Environment.NewLine, loud));
    }

    /// <summary>An innocent user in a room, whose chat must keep working whatever others send.</summary>
    private sealed class Bystander : IAsyncDisposable
    {
        private readonly HubApp.Client.ChatClient _client;

        private Bystander(HubApp.Client.ChatClient client) => _client = client;

        public static async Task<Bystander> JoinAsync(HubAppHost host)
        {
            var client = await host.ConnectAsync("bystander");
            await client.JoinRoomAsync("lobby").DefaultTimeout();
            return new Bystander(client);
        }

        public async Task AssertStillChatsAsync()
        {
            var received = new Inbox<ChatMessage>();
            _client.MessageReceived += received.Add;
            var sent = await _client.SendMessageAsync("lobby", "still here").DefaultTimeout();
            Assert.Equal(sent, await received.NextAsync());
            Assert.Equal(HubApp.Client.ChatConnectionState.Connected, _client.State);
        }

        public ValueTask DisposeAsync() => _client.DisposeAsync();
    }
}
