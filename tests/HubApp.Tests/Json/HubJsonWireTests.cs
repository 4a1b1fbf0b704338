using System.Text;
using HubApp.Json;
using HubApp.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HubApp.Tests.Json;

/// <summary>The JSON the real host writes on a real socket: emoji as UTF-8 bytes, markup still escaped.</summary>
public sealed class HubJsonWireTests
{
    private const string Text = "héllo 👋🎉 日本 <script>alert('x')</script> & \u2028";

    [Fact]
    public async Task AnEmojiMessageIsSentAsRawUtf8AndMarkupStaysEscaped()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var socket = await RawHubSocket.ConnectAsync(host, "alice");
        await socket.InvokeAsync("1", "JoinRoom", """["general",null]""");

        await socket.SendTextAsync($$"""{"type":1,"invocationId":"2","target":"SendMessage","arguments":["general",{{System.Text.Json.JsonSerializer.Serialize(Text)}}]}""" + RawHubSocket.Separator);
        var frames = new List<byte[]>();
        for (var i = 0; i < 2; i++)
        {
            // The completion of SendMessage and the MessageReceived event, in either order.
            frames.Add((await socket.ReceiveRecordBytesAsync(r => Contains(r, "\"type\":3") || Contains(r, "MessageReceived")))!);
        }

        foreach (var frame in frames)
        {
            var json = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(frame);
            Assert.True(Contains(frame, "héllo 👋🎉 日本 "), $"The text should be raw UTF-8 in: {json}");
            Assert.Contains("\\u003Cscript\\u003Ealert(\\u0027x\\u0027)\\u003C/script\\u003E \\u0026 \\u2028", json, StringComparison.Ordinal);
            Assert.DoesNotContain("<", json, StringComparison.Ordinal);
            Assert.DoesNotContain("\\uD83D", json, StringComparison.OrdinalIgnoreCase);
            using var parsed = System.Text.Json.JsonDocument.Parse(frame);
            var message = parsed.RootElement.TryGetProperty("result", out var result) ? result : parsed.RootElement.GetProperty("arguments")[0];
            Assert.Equal(Text, message.GetProperty("text").GetString());
        }
    }

    [Fact]
    public async Task TheHttpEndpointsWriteJsonWithTheSameEncoder()
    {
        await using var host = await HubAppHost.StartAsync();

        var http = host.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value;

        Assert.Same(WireJsonEncoder.Instance, http.SerializerOptions.Encoder);
    }

    [Fact]
    public async Task ALoneSurrogateEscapeInATextIsStoredAsTheReplacementCharacterAndTheConnectionStaysOpen()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var socket = await RawHubSocket.ConnectAsync(host, "alice");
        await socket.InvokeAsync("1", "JoinRoom", """["general",null]""");

        // Escaped in the JSON text, as a JavaScript client writes a string holding half of an emoji.
        var completion = await socket.InvokeAsync("2", "SendMessage", """["general","a\ud83d b \udc00"]""");

        using var parsed = System.Text.Json.JsonDocument.Parse(completion);
        Assert.False(parsed.RootElement.TryGetProperty("error", out var error), $"Refused: {error}");
        Assert.Equal("a\ufffd b \ufffd", parsed.RootElement.GetProperty("result").GetProperty("text").GetString());
        var history = await socket.InvokeAsync("3", "GetHistory", """["general",null,10]""");
        Assert.Contains("a\uFFFD b \uFFFD", System.Text.RegularExpressions.Regex.Unescape(history), StringComparison.Ordinal);
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, socket.State);
    }

    [Fact]
    public async Task ALoneSurrogateInARoomNameIsRefusedWithInvalidRoomNotAServerError()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var socket = await RawHubSocket.ConnectAsync(host, "alice");

        var completion = await socket.InvokeAsync("1", "JoinRoom", """["gen\ud800eral",null]""");

        Assert.Contains("invalid_room", completion, StringComparison.Ordinal);
        Assert.DoesNotContain("error on the server", completion, StringComparison.Ordinal);
        Assert.Contains("\"type\":3", await socket.InvokeAsync("2", "JoinRoom", """["general",null]"""), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\u200b\u200b")] // zero-width spaces
    [InlineData("\u3164")] // Hangul filler
    [InlineData("\u2800 \u2800")] // Braille blank
    [InlineData("\u200d\ufe0f\u2060\u00ad")] // joiner, variation selector, word joiner, soft hyphen
    public async Task ATextOfOnlyInvisibleCharactersIsRefusedAsEmpty(string escaped)
    {
        await using var host = await HubAppHost.StartAsync();
        await using var socket = await RawHubSocket.ConnectAsync(host, "alice");
        await socket.InvokeAsync("1", "JoinRoom", """["general",null]""");

        var completion = await socket.InvokeAsync("2", "SendMessage", $$"""["general","{{escaped}}"]""");

        Assert.Contains("invalid_message", completion, StringComparison.Ordinal);
    }

    private static bool Contains(byte[] frame, string text) => frame.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
}
