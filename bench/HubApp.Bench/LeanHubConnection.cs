using System.Buffers;
using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text.Json;
using HubApp.Client;
using HubApp.Contracts;
using MessagePack;

namespace HubApp.Bench;

/// <summary>
/// A hub connection for the load generator: SignalR's JSON or MessagePack framing spoken over a raw
/// <see cref="ClientWebSocket"/>, without HubConnection's per-message machinery (argument binding, handler
/// dispatch, a string per text), so that one core drives several hundred thousand deliveries a second.
/// </summary>
/// <remarks>
/// Of what arrives it reads only what the bench needs: a frame's type, a completion's id and error, and a
/// <c>MessageReceived</c>'s or <c>DirectMessageReceived</c>'s send stamp (the first 16 hex digits of its text, read in place as UTF-8).
/// Deliveries are reported from the one receive loop, one at a time, so a handler needs no locks.
/// Negotiates once (as a browser does), then connects with <c>id</c> and <c>access_token</c> in the query.
/// </remarks>
internal sealed class LeanHubConnection : IAsyncDisposable
{
    public const int StampDigits = 16;
    public const int TextLength = 64;
    private const byte RecordSeparator = 0x1E;

    // SignalR's server closes a connection that sends nothing for ClientTimeoutInterval (30 s): receivers never send.
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(10);

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _messagePackBody;

    [ThreadStatic]
    private static byte[]? _scratch;

    private readonly ClientWebSocket _socket = new();
    private readonly ChatProtocol _protocol;
    private readonly Action<long>? _onDelivery;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly ArrayBufferWriter<byte> _frame = new(256);
    private readonly Dictionary<int, TaskCompletionSource<Frame>> _pending = [];
    private readonly TaskCompletionSource<string?> _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _closing = new();
    private Timer? _keepAlive;
    private Task _receiving = Task.CompletedTask;
    private byte[] _buffer = new byte[16 * 1024];
    private int _nextId;
    private long _lastSend;

    private LeanHubConnection(ChatProtocol protocol, Action<long>? onDelivery)
    {
        _protocol = protocol;
        _onDelivery = onDelivery;
    }

    /// <summary>Deliveries (<c>MessageReceived</c> and <c>DirectMessageReceived</c>) seen so far.</summary>
    public long Deliveries { get; private set; }

    /// <summary>
    /// Negotiates, connects and completes the handshake. <paramref name="onDelivery"/> gets each delivery's send
    /// stamp (Stopwatch ticks), or -1 for a text that carries none.
    /// </summary>
    /// <paramref name="batchedPresence"/>: asks for <c>PresenceChanged</c> instead of <c>UserJoined</c>/<c>UserLeft</c>.
    public static async Task<LeanHubConnection> ConnectAsync(HttpClient http, Uri server, string? accessToken, ChatProtocol protocol, Action<long>? onDelivery, CancellationToken cancellationToken, bool batchedPresence = false)
    {
        var connection = new LeanHubConnection(protocol, onDelivery);
        try
        {
            var connectionToken = await NegotiateAsync(http, server, accessToken, cancellationToken);
            var query = $"id={Uri.EscapeDataString(connectionToken)}" + (accessToken is null ? string.Empty : $"&access_token={Uri.EscapeDataString(accessToken)}")
                + (batchedPresence ? $"&{PresenceModes.QueryParameter}={PresenceModes.Batched}" : string.Empty);
            var url = new UriBuilder(server) { Scheme = server.Scheme == "https" ? "wss" : "ws", Path = HubMethods.Path, Query = query }.Uri;
            await connection._socket.ConnectAsync(url, cancellationToken);
            connection._receiving = Task.Run(connection.ReceiveAsync, CancellationToken.None);
            var handshake = protocol == ChatProtocol.Json ? """{"protocol":"json","version":1}"""u8.ToArray() : """{"protocol":"messagepack","version":1}"""u8.ToArray();
            await connection._socket.SendAsync((byte[])[.. handshake, RecordSeparator], WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            if (await connection._handshake.Task.WaitAsync(cancellationToken) is { } error)
            {
                throw new InvalidOperationException($"The hub refused the handshake: {error}");
            }

            connection._keepAlive = new Timer(static state => _ = ((LeanHubConnection)state!).PingIfQuietAsync(), connection, KeepAlive, KeepAlive);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public Task JoinRoomAsync(string room) => InvokeAsync(LeanInvocation.JoinRoom(room));

    /// <summary>SendMessage of a 64-character text whose first 16 characters are <paramref name="stamp"/> in hex.</summary>
    public Task SendStampedAsync(string room, long stamp) => InvokeAsync(LeanInvocation.SendMessage(room, stamp));

    /// <summary>PostMessage of a stamped text; the stored message's id.</summary>
    public Task<long> PostStampedAsync(string room, long stamp, string clientMessageId) =>
        InvokeAsync(LeanInvocation.PostMessage(room, stamp, clientMessageId));

    /// <summary>SendDirectMessage of a stamped text to <paramref name="userId"/>.</summary>
    public Task SendDirectStampedAsync(string userId, long stamp) => InvokeAsync(LeanInvocation.SendDirectMessage(userId, stamp));

    /// <summary>PostDirectMessage of a stamped text to <paramref name="userId"/>; the stored message's id.</summary>
    public Task<long> PostDirectStampedAsync(string userId, long stamp, string clientMessageId) =>
        InvokeAsync(LeanInvocation.PostDirectMessage(userId, stamp, clientMessageId));

    /// <summary>Post of a draft with a stamped text, in thread <paramref name="threadId"/> when given; the stored message's id.</summary>
    public Task<long> PostDraftStampedAsync(string room, long stamp, string clientMessageId, long? threadId) =>
        InvokeAsync(LeanInvocation.Post(room, stamp, clientMessageId, threadId));

    /// <summary>React: adds or removes the caller's <paramref name="emoji"/> on a message.</summary>
    public Task ReactAsync(string room, long messageId, string emoji, bool add) => InvokeAsync(LeanInvocation.React(room, messageId, emoji, add));

    /// <summary>The hub's Ping method (a completion round trip, not SignalR's ping frame).</summary>
    public Task PingAsync() => InvokeAsync(LeanInvocation.Ping);

    public async ValueTask DisposeAsync()
    {
        if (_keepAlive is not null)
        {
            await _keepAlive.DisposeAsync();
        }

        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception ex) when (ex is WebSocketException or TimeoutException or OperationCanceledException)
            {
                // Gone already, or the server is too busy to answer: the abort below ends it.
            }
        }

        await _closing.CancelAsync();
        _socket.Abort();
        try
        {
            await _receiving.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            // The loop ends with the aborted socket; nothing waits on it.
        }

        _socket.Dispose();
        _closing.Dispose();
    }

    /// <summary>Writes one invocation frame; its stamp text, when there is one, is made in place (no string).</summary>
    internal static void WriteInvocation(ChatProtocol protocol, IBufferWriter<byte> output, int invocationId, in LeanInvocation call)
    {
        // Scratch from the heap, not the stack: MessagePackWriter is a ref struct that may not be handed stack memory.
        Span<byte> scratch = _scratch ??= new byte[TextLength + 11];
        var text = scratch[..TextLength];
        if (call.Stamp is { } value)
        {
            value.TryFormat(text[..StampDigits], out _, "x16", System.Globalization.CultureInfo.InvariantCulture);
            text[StampDigits..].Fill((byte)'.');
        }

        var id = scratch[TextLength..];
        invocationId.TryFormat(id, out var idLength, default, System.Globalization.CultureInfo.InvariantCulture);
        if (protocol == ChatProtocol.Json)
        {
            using (var json = new Utf8JsonWriter(output))
            {
                json.WriteStartObject();
                json.WriteNumber("type"u8, 1);
                json.WriteString("invocationId"u8, id[..idLength]);
                json.WriteString("target"u8, call.Target);
                json.WriteStartArray("arguments"u8);
                WriteArguments(json, call, text);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            output.Write([RecordSeparator]);
            return;
        }

        // MessagePack frames are length-prefixed (a 7-bit varint); the body is written first to learn its length.
        var body = _messagePackBody ??= new ArrayBufferWriter<byte>(128);
        body.ResetWrittenCount();
        var writer = new MessagePackWriter(body);
        writer.WriteArrayHeader(5);
        writer.Write(1);
        writer.WriteMapHeader(0);
        writer.WriteString(id[..idLength]);
        writer.WriteString(call.Target);
        WriteArguments(ref writer, call, text);
        writer.Flush();
        WriteVarInt(output, body.WrittenCount);
        output.Write(body.WrittenSpan);
    }

    /// <summary>What one frame is, read from its bytes: a delivery's stamp, a completion's id and error, or neither.</summary>
    internal static Frame ReadFrame(ChatProtocol protocol, ReadOnlyMemory<byte> frame) =>
        protocol == ChatProtocol.Json ? ReadJsonFrame(frame.Span) : ReadMessagePackFrame(frame);

    /// <summary>The length of the next whole frame at the start of <paramref name="data"/> and of its prefix or separator; false when it is not all there yet.</summary>
    internal static bool TryFindFrame(ChatProtocol protocol, ReadOnlySpan<byte> data, out int start, out int length, out int consumed)
    {
        start = 0;
        length = 0;
        consumed = 0;
        if (protocol == ChatProtocol.Json)
        {
            var end = data.IndexOf(RecordSeparator);
            if (end < 0)
            {
                return false;
            }

            length = end;
            consumed = end + 1;
            return true;
        }

        var size = 0;
        for (var i = 0; i < Math.Min(5, data.Length); i++)
        {
            size |= (data[i] & 0x7F) << (7 * i);
            if ((data[i] & 0x80) == 0)
            {
                start = i + 1;
                if (data.Length - start < size)
                {
                    return false;
                }

                length = size;
                consumed = start + size;
                return true;
            }
        }

        return false;
    }

    // The hub binds arguments by position; a Draft is the contract's object, every key present (camelCase, nulls written).
    private static void WriteArguments(Utf8JsonWriter json, in LeanInvocation call, ReadOnlySpan<byte> text)
    {
        if (call.Call == LeanCall.Ping)
        {
            return;
        }

        json.WriteStringValue(call.Room);
        switch (call.Call)
        {
            case LeanCall.JoinRoom:
                json.WriteNullValue();
                break;
            case LeanCall.SendMessage or LeanCall.SendDirectMessage:
                json.WriteStringValue(text);
                break;
            case LeanCall.PostMessage or LeanCall.PostDirectMessage:
                json.WriteStringValue(text);
                json.WriteStringValue(call.ClientMessageId);
                break;
            case LeanCall.Post:
                json.WriteStartObject();
                json.WriteString("text"u8, text);
                json.WriteString("clientMessageId"u8, call.ClientMessageId);
                json.WriteNull("replyToId"u8);
                if (call.Id is { } thread)
                {
                    json.WriteNumber("threadId"u8, thread);
                }
                else
                {
                    json.WriteNull("threadId"u8);
                }

                json.WriteNull("attachmentIds"u8);
                json.WriteEndObject();
                break;
            case LeanCall.React:
                json.WriteNumberValue(call.Id!.Value);
                json.WriteStringValue(call.Emoji);
                json.WriteBooleanValue(call.Add);
                break;
        }
    }

    private static void WriteArguments(ref MessagePackWriter writer, in LeanInvocation call, ReadOnlySpan<byte> text)
    {
        writer.WriteArrayHeader(call.Call switch
        {
            LeanCall.Ping => 0,
            LeanCall.PostMessage or LeanCall.PostDirectMessage => 3,
            LeanCall.React => 4,
            _ => 2,
        });
        if (call.Call == LeanCall.Ping)
        {
            return;
        }

        writer.Write(call.Room);
        switch (call.Call)
        {
            case LeanCall.JoinRoom:
                writer.WriteNil();
                break;
            case LeanCall.SendMessage or LeanCall.SendDirectMessage:
                writer.WriteString(text);
                break;
            case LeanCall.PostMessage or LeanCall.PostDirectMessage:
                writer.WriteString(text);
                writer.Write(call.ClientMessageId);
                break;
            case LeanCall.Post:
                writer.WriteMapHeader(5);
                writer.Write("text");
                writer.WriteString(text);
                writer.Write("clientMessageId");
                writer.Write(call.ClientMessageId);
                writer.Write("replyToId");
                writer.WriteNil();
                writer.Write("threadId");
                if (call.Id is { } thread)
                {
                    writer.Write(thread);
                }
                else
                {
                    writer.WriteNil();
                }

                writer.Write("attachmentIds");
                writer.WriteNil();
                break;
            case LeanCall.React:
                writer.Write(call.Id!.Value);
                writer.Write(call.Emoji);
                writer.Write(call.Add);
                break;
        }
    }

    private static void WriteVarInt(IBufferWriter<byte> output, int value)
    {
        Span<byte> prefix = stackalloc byte[5];
        var n = 0;
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            prefix[n++] = value > 0 ? (byte)(b | 0x80) : b;
        }
        while (value > 0);
        output.Write(prefix[..n]);
    }

    private static Frame ReadJsonFrame(ReadOnlySpan<byte> frame)
    {
        var reader = new Utf8JsonReader(frame);
        reader.Read();
        int type = 0, invocationId = -1;
        var delivery = false;
        long stamp = -1;
        string? error = null;
        long resultId = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type = reader.GetInt32();
            }
            else if (reader.ValueTextEquals("invocationId"u8))
            {
                reader.Read();
                if (!Utf8Parser.TryParse(reader.ValueSpan, out invocationId, out _))
                {
                    invocationId = -1;
                }
            }
            else if (reader.ValueTextEquals("target"u8))
            {
                reader.Read();
                delivery = reader.ValueTextEquals("MessageReceived"u8) || reader.ValueTextEquals("DirectMessageReceived"u8);
            }
            else if (reader.ValueTextEquals("arguments"u8))
            {
                reader.Read();
                if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var isText = reader.ValueTextEquals("text"u8);
                        reader.Read();
                        if (isText && reader.TokenType == JsonTokenType.String)
                        {
                            stamp = ParseStamp(reader.ValueSpan);
                        }

                        reader.Skip();
                    }

                    reader.Read();
                }

                while (reader.TokenType != JsonTokenType.EndArray)
                {
                    reader.Skip();
                    reader.Read();
                }
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                error = reader.GetString();
            }
            else if (reader.ValueTextEquals("result"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var isId = reader.ValueTextEquals("id"u8);
                        reader.Read();
                        if (isId && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value))
                        {
                            resultId = value;
                        }

                        reader.Skip();
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return Classify(type, delivery, stamp, invocationId, error, resultId);
    }

    private static Frame ReadMessagePackFrame(ReadOnlyMemory<byte> frame)
    {
        var reader = new MessagePackReader(frame);
        reader.ReadArrayHeader();
        var type = reader.ReadInt32();
        switch (type)
        {
            case 1:
            {
                reader.Skip(); // headers
                reader.Skip(); // invocation id: nil for an event
                var delivery = reader.TryReadStringSpan(out var target) ? IsDelivery(target) : reader.ReadString() is "MessageReceived" or "DirectMessageReceived";
                long stamp = -1;
                if (delivery && reader.ReadArrayHeader() > 0 && reader.NextMessagePackType == MessagePackType.Map)
                {
                    for (var fields = reader.ReadMapHeader(); fields > 0; fields--)
                    {
                        var isText = reader.TryReadStringSpan(out var key) && key.SequenceEqual("text"u8);
                        if (isText && reader.TryReadStringSpan(out var text))
                        {
                            stamp = ParseStamp(text);
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }

                return Classify(type, delivery, stamp, -1, null);
            }

            case 3:
            {
                reader.Skip(); // headers
                var invocationId = -1;
                if (!reader.TryReadStringSpan(out var id) || !Utf8Parser.TryParse(id, out invocationId, out _))
                {
                    invocationId = -1;
                }

                var resultKind = reader.ReadInt32();
                if (resultKind == 1)
                {
                    return Classify(type, false, -1, invocationId, reader.ReadString() ?? "error");
                }

                long resultId = -1;
                if (resultKind == 3 && reader.NextMessagePackType == MessagePackType.Map)
                {
                    for (var fields = reader.ReadMapHeader(); fields > 0; fields--)
                    {
                        if (reader.TryReadStringSpan(out var key) && key.SequenceEqual("id"u8) && reader.NextMessagePackType == MessagePackType.Integer)
                        {
                            resultId = reader.ReadInt64();
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }

                return Classify(type, false, -1, invocationId, null, resultId);
            }

            default:
                return Classify(type, false, -1, -1, null);
        }
    }

    // A room's entry or a direct message: both carry the stamped text.
    private static bool IsDelivery(ReadOnlySpan<byte> target) => target.SequenceEqual("MessageReceived"u8) || target.SequenceEqual("DirectMessageReceived"u8);

    private static Frame Classify(int type, bool delivery, long stamp, int invocationId, string? error, long resultId = -1) => type switch
    {
        1 when delivery => new Frame(FrameKind.Delivery, stamp, -1, null),
        3 => new Frame(FrameKind.Completion, -1, invocationId, error, resultId),
        7 => new Frame(FrameKind.Close, -1, -1, error),
        _ => new Frame(FrameKind.Other, -1, -1, null),
    };

    private static long ParseStamp(ReadOnlySpan<byte> text) =>
        text.Length >= StampDigits && Utf8Parser.TryParse(text[..StampDigits], out long stamp, out var used, 'x') && used == StampDigits ? stamp : -1;

    private static async Task<string> NegotiateAsync(HttpClient http, Uri server, string? accessToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, HubMethods.Path + "/negotiate?negotiateVersion=1"));
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return body.RootElement.GetProperty("connectionToken").GetString()
            ?? throw new InvalidOperationException("The negotiate response has no connectionToken.");
    }

    /// <summary>Invokes and waits for the completion; the id of its result object (-1 when it has none).</summary>
    private async Task<long> InvokeAsync(LeanInvocation call)
    {
        var completion = new TaskCompletionSource<Frame>(TaskCreationOptions.RunContinuationsAsynchronously);
        int id;
        lock (_pending)
        {
            id = ++_nextId;
            _pending[id] = completion;
        }

        await _sending.WaitAsync(_closing.Token);
        try
        {
            _frame.ResetWrittenCount();
            WriteInvocation(_protocol, _frame, id, call);
            await SendFrameAsync();
        }
        finally
        {
            _sending.Release();
        }

        var answer = await completion.Task;
        return answer.Error is { } error ? throw new InvalidOperationException(error) : answer.ResultId;
    }

    private Task SendFrameAsync()
    {
        _lastSend = Environment.TickCount64;
        var type = _protocol == ChatProtocol.Json ? WebSocketMessageType.Text : WebSocketMessageType.Binary;
        return _socket.SendAsync(_frame.WrittenMemory, type, endOfMessage: true, _closing.Token).AsTask();
    }

    private async Task PingIfQuietAsync()
    {
        if (Environment.TickCount64 - _lastSend < KeepAlive.TotalMilliseconds / 2 || !await _sending.WaitAsync(0))
        {
            return;
        }

        try
        {
            _frame.ResetWrittenCount();
            if (_protocol == ChatProtocol.Json)
            {
                _frame.Write("""{"type":6}"""u8);
                _frame.Write([RecordSeparator]);
            }
            else
            {
                _frame.Write((byte[])[0x02, 0x91, 0x06]); // length 2, [6]
            }

            await SendFrameAsync();
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Closing: the receive loop reports it.
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task ReceiveAsync()
    {
        var filled = 0;
        var handshaken = false;
        string? closed = "the connection closed";
        try
        {
            while (true)
            {
                if (filled == _buffer.Length)
                {
                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }

                var result = await _socket.ReceiveAsync(_buffer.AsMemory(filled), _closing.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                filled += result.Count;
                var offset = 0;
                while (true)
                {
                    // The handshake answer is JSON with a separator, whatever the protocol; MessagePack frames may follow at once.
                    var protocol = handshaken ? _protocol : ChatProtocol.Json;
                    if (!TryFindFrame(protocol, _buffer.AsSpan(offset, filled - offset), out var start, out var length, out var consumed))
                    {
                        break;
                    }

                    var frame = _buffer.AsMemory(offset + start, length);
                    offset += consumed;
                    if (!handshaken)
                    {
                        handshaken = true;
                        _handshake.TrySetResult(HandshakeError(frame.Span));
                        continue;
                    }

                    Dispatch(ReadFrame(_protocol, frame));
                }

                _buffer.AsSpan(offset, filled - offset).CopyTo(_buffer);
                filled -= offset;
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            closed = $"the connection failed: {ex.Message}";
        }
        finally
        {
            _handshake.TrySetResult(closed);
            TaskCompletionSource<Frame>[] waiting;
            lock (_pending)
            {
                waiting = [.. _pending.Values];
                _pending.Clear();
            }

            foreach (var completion in waiting)
            {
                completion.TrySetResult(new Frame(FrameKind.Close, -1, -1, closed));
            }
        }
    }

    private void Dispatch(Frame frame)
    {
        switch (frame.Kind)
        {
            case FrameKind.Delivery:
                Deliveries++;
                _onDelivery?.Invoke(frame.Stamp);
                break;
            case FrameKind.Completion:
                TaskCompletionSource<Frame>? completion;
                lock (_pending)
                {
                    _pending.Remove(frame.InvocationId, out completion);
                }

                completion?.TrySetResult(frame);
                break;
            case FrameKind.Close:
                _closing.Cancel();
                break;
        }
    }

    // The handshake answer is {} or {"error":"..."}.
    private static string? HandshakeError(ReadOnlySpan<byte> answer)
    {
        var reader = new Utf8JsonReader(answer);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("error"u8) && reader.Read())
            {
                return reader.GetString() ?? "error";
            }
        }

        return null;
    }

    internal enum FrameKind
    {
        Other,
        Delivery,
        Completion,
        Close,
    }

    /// <summary>
    /// One frame as the bench sees it. <see cref="Stamp"/>: a delivery's send stamp, -1 when none; <see cref="ResultId"/>:
    /// the <c>id</c> of a completion's result object (the stored message), -1 when none.
    /// </summary>
    internal readonly record struct Frame(FrameKind Kind, long Stamp, int InvocationId, string? Error, long ResultId = -1);
}
