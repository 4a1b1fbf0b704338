using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using HubApp.Client.Tests.TestHost;
using HubApp.Client.Transport;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging.Abstractions;

namespace HubApp.Client.Tests.Transport;

// Speaks SignalR's JSON protocol by hand, to lay out the output pipe in ways HubConnection rarely does.
// The echo server leaves UTF-8 unescaped and its WebSocket rejects a text message that is not valid UTF-8.
// Characters outside the BMP are escaped even then, so these tests use 3-byte CJK characters.
public sealed class WebSocketConnectionFramingTests : IAsyncLifetime
{
    private TestServer _host = null!;
    private ConnectionContext _connection = null!;

    public async Task InitializeAsync()
    {
        (_host, _) = await EchoServer.StartAsync();
        var factory = new WebSocketConnectionFactory(null, null, NullLoggerFactory.Instance);
        _connection = await factory.ConnectAsync(new UriEndPoint(new Uri(_host.Url, EchoHub.Path))).AsTask().WaitAsync(Timeouts.Default);
        await WriteAsync("{\"protocol\":\"json\",\"version\":1}\u001e"u8.ToArray());
        Assert.Equal("{}", await ReadRecordAsync());
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync().AsTask().WaitAsync(Timeouts.Default);
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task A_flushed_part_of_a_message_ending_inside_a_character_waits_for_the_rest()
    {
        var (invocation, text) = EchoInvocation("a\u4e2db");
        var middleOfCharacter = Encoding.UTF8.GetByteCount(invocation[..invocation.IndexOf('\u4e2d', StringComparison.Ordinal)]) + 1;
        var bytes = Encoding.UTF8.GetBytes(invocation);

        await WriteAsync(bytes[..middleOfCharacter]);

        // Not synchronization: the wait gives a faulty send loop time to send the half character alone.
        await Task.Delay(100);
        await WriteAsync(bytes[middleOfCharacter..]);

        Assert.Equal(text, ResultOf(await ReadRecordAsync()));
    }

    [Fact]
    public async Task A_message_spanning_many_pipe_segments_is_sent_whole_even_when_they_split_characters()
    {
        // "x" shifts the 3-byte characters off the segment size, so boundaries fall inside them.
        var (invocation, text) = EchoInvocation("x" + new string('\u4e2d', 24 * 1024));
        var output = _connection.Transport.Output;

        // One byte at a time fills each segment to its end.
        foreach (var b in Encoding.UTF8.GetBytes(invocation))
        {
            output.GetSpan(1)[0] = b;
            output.Advance(1);
        }

        await output.FlushAsync().AsTask().WaitAsync(Timeouts.Default);

        Assert.Equal(text, ResultOf(await ReadRecordAsync()));
    }

    private static (string Invocation, string Text) EchoInvocation(string text) =>
        (JsonSerializer.Serialize(new { type = 1, invocationId = "1", target = nameof(EchoHub.Echo), arguments = new[] { text } }, RawJson) + "\u001e", text);

    private static readonly JsonSerializerOptions RawJson = new() { Encoder = EchoServer.RawUtf8 };

    private static string? ResultOf(string completion)
    {
        using var json = JsonDocument.Parse(completion);
        return json.RootElement.GetProperty("result").GetString();
    }

    private async Task WriteAsync(byte[] bytes) =>
        await _connection.Transport.Output.WriteAsync(bytes).AsTask().WaitAsync(Timeouts.Default);

    private async Task<string> ReadRecordAsync()
    {
        var input = _connection.Transport.Input;
        while (true)
        {
            var result = await input.ReadAsync().AsTask().WaitAsync(Timeouts.Default);
            var buffer = result.Buffer;
            if (buffer.PositionOf(RecordSeparator.Value) is { } end)
            {
                var record = Encoding.UTF8.GetString(buffer.Slice(0, end));
                input.AdvanceTo(buffer.GetPosition(1, end));
                return record;
            }

            Assert.False(result.IsCompleted, "The server closed the connection.");
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
