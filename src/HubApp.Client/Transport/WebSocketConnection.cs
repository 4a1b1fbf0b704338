using System.IO.Pipelines;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace HubApp.Client.Transport;

/// <summary>
/// An open WebSocket exposed to <c>HubConnection</c> as a pair of pipes. Two loops run for its
/// lifetime: one copies received messages into the input pipe, one sends what the application
/// writes as text messages. Only the send loop sends, which keeps to one send at a time.
/// When the server closes or the socket fails, the input pipe completes, which is how
/// <c>HubConnection</c> learns that the connection is gone.
/// </summary>
internal sealed partial class WebSocketConnection : ConnectionContext
{
    // The input threshold must exceed the largest server message: SignalR's parser cannot consume
    // half a message, so a smaller one would pause the receive loop forever. A catch-up snapshot of
    // 500 messages of 4000 escaped characters is about 12 MB.
    private static readonly PipeOptions InputOptions = new(
        pauseWriterThreshold: 32 * 1024 * 1024, resumeWriterThreshold: 16 * 1024 * 1024, useSynchronizationContext: false);

    private static readonly PipeOptions OutputOptions = new(
        pauseWriterThreshold: 1024 * 1024, resumeWriterThreshold: 512 * 1024, useSynchronizationContext: false);

    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    private readonly WebSocket _socket;
    private readonly ILogger _logger;
    private readonly Pipe _input = new(InputOptions);
    private readonly Pipe _output = new(OutputOptions);
    private readonly CancellationTokenSource _aborted = new();
    private readonly Task _receiving;
    private readonly Task _sending;
    private int _disposed;

    public WebSocketConnection(WebSocket socket, ILogger logger)
    {
        _socket = socket;
        _logger = logger;
        Transport = new DuplexPipe(_input.Reader, _output.Writer);
        _receiving = ReceiveLoopAsync();
        _sending = SendLoopAsync();
    }

    /// <summary>A client-side id for logs; the server's own id is not known without negotiate.</summary>
    public override string ConnectionId { get; set; } = Guid.NewGuid().ToString("N");

    public override IFeatureCollection Features { get; } = new FeatureCollection();

    public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

    public override IDuplexPipe Transport { get; set; }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        Log.Aborting(_logger, ConnectionId, abortReason);
        AbortSocket();
    }

    /// <summary>Closes the socket with a close handshake, or aborts it if the server does not answer in time.</summary>
    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await CloseAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    private async Task CloseAsync()
    {
        await _output.Writer.CompleteAsync().ConfigureAwait(false);
        await _sending.ConfigureAwait(false);
        try
        {
            await _receiving.WaitAsync(CloseTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.CloseTimedOut(_logger, ConnectionId);
            AbortSocket();
            await _receiving.ConfigureAwait(false);
        }

        _socket.Dispose();
        _aborted.Dispose();
    }

    private void AbortSocket()
    {
        try
        {
            _aborted.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already disposed: the loops have ended.
        }

        _socket.Abort();
    }

    private async Task ReceiveLoopAsync()
    {
        await Task.Yield();
        var writer = _input.Writer;
        Exception? error = null;
        try
        {
            while (true)
            {
                var memory = writer.GetMemory(4096);
                var result = await _socket.ReceiveAsync(memory, _aborted.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    Log.ClosedByServer(_logger, ConnectionId, _socket.CloseStatus, _socket.CloseStatusDescription);
                    break;
                }

                writer.Advance(result.Count);
                var flush = await writer.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A socket aborted by us (dispose, Abort) is a normal end; anything else is the server going away.
            if (!_aborted.IsCancellationRequested)
            {
                Log.ReceiveFailed(_logger, ConnectionId, ex);
                error = ex;
            }
        }
        finally
        {
            await writer.CompleteAsync(error).ConfigureAwait(false);

            // Let the send loop finish: it answers a server's close, or stops writing to a dead socket.
            _output.Reader.CancelPendingRead();
        }
    }

    private async Task SendLoopAsync()
    {
        await Task.Yield();
        var reader = _output.Reader;
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                var consumed = buffer.Start;
                try
                {
                    if (result.IsCanceled)
                    {
                        break;
                    }

                    var length = RecordSeparator.CompleteLength(buffer);
                    if (length > 0)
                    {
                        var message = buffer.Slice(0, length);
                        await SendMessageAsync(message).ConfigureAwait(false);
                        consumed = message.End;
                    }

                    if (result.IsCompleted)
                    {
                        break;
                    }
                }
                finally
                {
                    reader.AdvanceTo(consumed, buffer.End);
                }
            }

            await CloseOutputAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            if (!_aborted.IsCancellationRequested)
            {
                Log.SendFailed(_logger, ConnectionId, ex);
                error = ex;
                AbortSocket();
            }
        }
        finally
        {
            // Completing the reader makes further writes by HubConnection no-ops instead of filling the pipe.
            await reader.CompleteAsync(error).ConfigureAwait(false);
        }
    }

    private async ValueTask SendMessageAsync(System.Buffers.ReadOnlySequence<byte> message)
    {
        if (message.IsSingleSegment)
        {
            await _socket.SendAsync(message.First, WebSocketMessageType.Text, endOfMessage: true, _aborted.Token).ConfigureAwait(false);
            return;
        }

        // Fragments of one message may split a character: the receiver validates UTF-8 across them.
        ReadOnlyMemory<byte> pending = default;
        foreach (var segment in message)
        {
            if (segment.IsEmpty)
            {
                continue;
            }

            if (!pending.IsEmpty)
            {
                await _socket.SendAsync(pending, WebSocketMessageType.Text, endOfMessage: false, _aborted.Token).ConfigureAwait(false);
            }

            pending = segment;
        }

        await _socket.SendAsync(pending, WebSocketMessageType.Text, endOfMessage: true, _aborted.Token).ConfigureAwait(false);
    }

    private async Task CloseOutputAsync()
    {
        if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_aborted.Token);
        timeout.CancelAfter(CloseTimeout);
        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
    }
}
