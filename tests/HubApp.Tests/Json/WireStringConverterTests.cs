using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using HubApp.Contracts;
using HubApp.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace HubApp.Tests.Json;

/// <summary>SignalR's JSON hub protocol, configured as the host configures it, and the converter that makes that work.</summary>
public sealed class WireStringConverterTests
{
    private static readonly ChatMessage Message = new(7, "general", "zoë", "Zoë 👋", "hi 👋 </script> & 'x'", new DateTime(2026, 12, 1, 9, 30, 0, DateTimeKind.Utc));

    [Fact]
    public void WithoutTheConverterSignalRsJsonProtocolEscapesEmojiAndLeavesMarkupRaw()
    {
        var json = Write(new JsonHubProtocolOptions { PayloadSerializerOptions = { Encoder = WireJsonEncoder.Instance } });

        // Its own writer (UnsafeRelaxedJsonEscaping) wins over the options' encoder: the reason for the converter.
        Assert.Contains("hi \\uD83D\\uDC4B </script> & 'x'", json, StringComparison.Ordinal);
    }

    [Fact]
    public void WithTheConverterTheProtocolWritesTextAsUtf8AndEscapesMarkup()
    {
        var options = new JsonHubProtocolOptions();
        options.PayloadSerializerOptions.Encoder = WireJsonEncoder.Instance;
        options.PayloadSerializerOptions.Converters.Add(new WireStringConverter());

        var json = Write(options);

        Assert.Equal(
            """{"type":1,"target":"MessageReceived","arguments":[{"id":7,"room":"general","userId":"zoë","userName":"Zoë 👋","text":"hi 👋 \u003C/script\u003E \u0026 \u0027x\u0027","sentAt":"2026-12-01T09:30:00Z","kind":"message","targetId":null,"clientMessageId":null,"editedAt":null,"deletedAt":null,"replyToId":null,"threadId":null,"thread":null,"reactions":null,"mentions":null,"attachments":null}]}""",
            json);
    }

    [Fact]
    public void StringsReadBackAndNullsStayNull()
    {
        var options = new JsonSerializerOptions { Converters = { new WireStringConverter() } };
        var relaxed = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(relaxed, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            JsonSerializer.Serialize(writer, new[] { "a\ud800b", null, "\u2028", "👋" }, options);
        }

        var json = Encoding.UTF8.GetString(relaxed.WrittenSpan);

        Assert.Equal("[\"a\uFFFDb\",null,\"\\u2028\",\"👋\"]", json);
        Assert.Equal(new string?[] { "a\uFFFDb", null, "\u2028", "👋" }, JsonSerializer.Deserialize<string?[]>(json, options)!);
    }

    [Fact]
    public void AVeryLongTextIsWrittenWhole()
    {
        var options = new JsonSerializerOptions { Converters = { new WireStringConverter() } };
        var text = string.Concat(Enumerable.Repeat("👋<", 50_000));
        var relaxed = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(relaxed, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            JsonSerializer.Serialize(writer, new[] { text, "after" }, options);
        }

        Assert.Equal(new[] { text, "after" }, JsonSerializer.Deserialize<string[]>(relaxed.WrittenSpan, options)!);
    }

    private static string Write(JsonHubProtocolOptions options)
    {
        var protocol = new JsonHubProtocol(Options.Create(options));
        var output = new ArrayBufferWriter<byte>();
        protocol.WriteMessage(new InvocationMessage(nameof(IChatClient.MessageReceived), [Message]), output);
        return Encoding.UTF8.GetString(output.WrittenSpan).TrimEnd('\u001e');
    }
}
