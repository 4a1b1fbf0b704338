using System.Net.WebSockets;
using System.Text;
using HubApp.Contracts;

namespace HubApp.Testing;

/// <summary>
/// A WebSocket to the hub that speaks SignalR's JSON protocol by hand, so tests can send what no client
/// library would: broken handshakes, invalid JSON, wrong arguments, binary frames.
/// </summary>
internal sealed class RawHubSocket : IAsyncDisposable
{
    public const char Separator = '\u001e';

    private readonly ClientWebSocket _socket = new();

    // Bytes, not text: a character may be split across two reads, and the separator (0x1E) is one byte that never
    // occurs inside a UTF-8 sequence.
    private readonly List<byte> _received = [];

    public WebSocketState State => _socket.State;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>A connection made as a browser makes it: the token in the query string (<paramref name="token"/>, or a fresh one for the user).</summary>
    public static async Task<RawHubSocket> ConnectAsync(HubAppHost host, string userId, bool handshake = true, string? userName = null, string? token = null)
    {
        var socket = new RawHubSocket();
        var url = new UriBuilder(host.BaseAddress) { Scheme = "ws", Path = HubMethods.Path, Query = $"access_token={token ?? TestTokens.Create(userId, userName)}" }.Uri;
        await socket._socket.ConnectAsync(url, CancellationToken.None).DefaultTimeout();
        if (handshake)
        {
            await socket.SendTextAsync("""{"protocol":"json","version":1}""" + Separator);
            Assert.Equal("{}", await socket.ReceiveRecordAsync());
        }

        return socket;
    }

    /// <summary>
    /// A connection that opts into stateful reconnect, as the official clients do: negotiate asking for it, then the
    /// socket with the connection token and the JSON protocol's version 2 (the one that carries acknowledgements).
    /// What it then acknowledges, if anything, is the test's to send.
    /// </summary>
    public static async Task<RawHubSocket> ConnectStatefulAsync(HubAppHost host, string userId)
    {
        var token = TestTokens.Create(userId);
        using var http = host.CreateHttpClient();
        using var negotiate = new HttpRequestMessage(HttpMethod.Post, HubMethods.Path + "/negotiate?negotiateVersion=1&useStatefulReconnect=true");
        negotiate.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var negotiated = await http.SendAsync(negotiate);
        negotiated.EnsureSuccessStatusCode();
        var body = System.Text.Json.JsonDocument.Parse(await negotiated.Content.ReadAsStringAsync()).RootElement;
        Assert.True(body.GetProperty("useStatefulReconnect").GetBoolean());
        var connectionToken = body.GetProperty("connectionToken").GetString();

        var socket = new RawHubSocket();
        var url = new UriBuilder(host.BaseAddress) { Scheme = "ws", Path = HubMethods.Path, Query = $"id={connectionToken}&access_token={token}" }.Uri;
        await socket._socket.ConnectAsync(url, CancellationToken.None).DefaultTimeout();
        await socket.SendTextAsync("""{"protocol":"json","version":2}""" + Separator);
        Assert.Equal("{}", await socket.ReceiveRecordAsync());
        return socket;
    }

    /// <summary>Closes the TCP connection under the socket, without a close handshake (a dropped network).</summary>
    public void Abort() => _socket.Abort();

    public Task SendTextAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public async Task SendAsync(byte[] bytes, WebSocketMessageType type) =>
        await _socket.SendAsync(bytes, type, endOfMessage: true, CancellationToken.None).DefaultTimeout();

    /// <summary>Sends one invocation record and returns its completion, skipping pings and other records.</summary>
    public async Task<string> InvokeAsync(string invocationId, string target, string argumentsJson)
    {
        await SendTextAsync($$"""{"type":1,"invocationId":"{{invocationId}}","target":"{{target}}","arguments":{{argumentsJson}}}""" + Separator);
        var completion = await ReceiveRecordAsync(r => r.Contains($"\"invocationId\":\"{invocationId}\"", StringComparison.Ordinal) && r.Contains("\"type\":3", StringComparison.Ordinal));
        return completion ?? throw new InvalidOperationException($"The server closed the socket instead of completing {target}.");
    }

    /// <summary>The next record (without its separator) that matches, or null when the server closed the socket.</summary>
    public async Task<string?> ReceiveRecordAsync(Func<string, bool>? match = null)
    {
        var record = await ReceiveRecordBytesAsync(match is null ? null : bytes => match(Encoding.UTF8.GetString(bytes)));
        return record is null ? null : Encoding.UTF8.GetString(record);
    }

    /// <summary>The next record's bytes as they came over the wire (without the separator), or null when the server closed the socket.</summary>
    public async Task<byte[]?> ReceiveRecordBytesAsync(Func<byte[], bool>? match = null)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var end = _received.IndexOf((byte)Separator);
            while (end >= 0)
            {
                var record = _received.GetRange(0, end).ToArray();
                _received.RemoveRange(0, end + 1);
                if (match is null || match(record))
                {
                    return record;
                }

                end = _received.IndexOf((byte)Separator);
            }

            var result = await _socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            _received.AddRange(buffer.AsSpan(0, result.Count));
        }
    }

    /// <summary>Reads until the server closes the socket; returns the records it sent before (a close message, say).</summary>
    public async Task<IReadOnlyList<string>> ReadUntilClosedAsync()
    {
        var records = new List<string>();
        while (await ReceiveRecordAsync() is { } record)
        {
            records.Add(record);
        }

        return records;
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).DefaultTimeout();
            }
            catch (WebSocketException)
            {
                // Closed under us: nothing left to close.
            }
        }

        _socket.Dispose();
    }
}
