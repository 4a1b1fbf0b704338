using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using HubApp.Json;

namespace HubApp.Tests.Json;

/// <summary>
/// What <see cref="WireJsonEncoder"/> writes for tricky text, through each way System.Text.Json hands it text:
/// a .NET string (UTF-16, <see cref="JsonSerializer"/>), UTF-8 bytes (<see cref="Utf8JsonWriter"/>), and the
/// encoder's own <see cref="TextEncoder.Encode(string)"/>.
/// </summary>
public sealed class WireJsonEncoderTests
{
    private static readonly JsonSerializerOptions Options = new() { Encoder = WireJsonEncoder.Instance };

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static TheoryData<string> LeftAsUtf8 => new()
    {
        "héllo 👋", // emoji
        "😀🎉🚀", // emoji only
        "日本語の文章、中文，한국어", // CJK
        "𠜎𠜱𠝹", // rare CJK outside the BMP
        "e\u0301 a\u0308\u0323 Z\u0351\u0352", // combining marks
        "👩‍👩‍👧 👍🏽", // a ZWJ family and skin tones
        "🏴󠁧󠁢󠁳󠁣󠁴󠁿", // a flag made of tag characters
        "❤️ ☺︎", // variation selectors
        "שלום مرحبا", // right-to-left text
        "<👋>&👋\"", // emoji next to escaped characters
    };

    [Theory]
    [MemberData(nameof(LeftAsUtf8))]
    public void TextOutsideTheEscapedSetIsWrittenAsItsUtf8Bytes(string text)
    {
        foreach (var json in AllWays(text))
        {
            var withoutHtmlEscapes = json.Replace("\\u003C", "<", StringComparison.Ordinal).Replace("\\u003E", ">", StringComparison.Ordinal)
                .Replace("\\u0026", "&", StringComparison.Ordinal).Replace("\\u0022", "\"", StringComparison.Ordinal);
            Assert.DoesNotContain("\\u", withoutHtmlEscapes, StringComparison.Ordinal);
            Assert.Equal(text, JsonSerializer.Deserialize<string>(json));
        }
    }

    [Fact]
    public void AnEmojiCostsItsFourUtf8BytesInsteadOfTwelve()
    {
        Assert.Equal("\"👋\""u8.ToArray(), JsonSerializer.SerializeToUtf8Bytes("👋", Options));
        // What the framework's encoders do with it, measured on .NET 10: why this encoder exists.
        Assert.Equal("\"\\uD83D\\uDC4B\"", JsonSerializer.Serialize("👋"));
        Assert.Equal("\\uD83D\\uDC4B", JavaScriptEncoder.Create(UnicodeRanges.All).Encode("👋"));
        Assert.Equal("\\uD83D\\uDC4B", JavaScriptEncoder.UnsafeRelaxedJsonEscaping.Encode("👋"));
    }

    public static TheoryData<string, string> Escaped => new()
    {
        { "</script>", "\\u003C/script\\u003E" },
        { "<img src=x onerror=alert(1)>", "\\u003Cimg src=x onerror=alert(1)\\u003E" },
        { "a & b", "a \\u0026 b" },
        { "it's", "it\\u0027s" },
        { "say \"hi\"", "say \\u0022hi\\u0022" },
        { "back\\slash", "back\\\\slash" },
        { "line\nbreak\ttab\r", "line\\nbreak\\ttab\\r" },
        { "\u0000\u0001\u001f\u007f", "\\u0000\\u0001\\u001F\\u007F" },
        { "\u2028\u2029", "\\u2028\\u2029" },
        { "private use \U000F0000", "private use \\uDB80\\uDC00" },
        { "noncharacter \U0010FFFF", "noncharacter \\uDBFF\\uDFFF" },
    };

    [Theory]
    [MemberData(nameof(Escaped))]
    public void QuotesBackslashControlsLineSeparatorsAndHtmlCharactersStayEscaped(string text, string expectedInside)
    {
        foreach (var json in AllWays(text))
        {
            Assert.Equal($"\"{expectedInside}\"", json);
            Assert.Equal(text, JsonSerializer.Deserialize<string>(json));
        }
    }

    public static TheoryData<string, string> LoneSurrogates => new()
    {
        { "lone \ud800 high", "lone \uFFFD high" },
        { "lone \udc00 low", "lone \uFFFD low" },
        { "reversed \udc00\ud800 pair", "reversed \uFFFD\uFFFD pair" },
        { "high at the end \ud83d", "high at the end \uFFFD" },
        { "\udc4b👋\ud83d", "\uFFFD👋\uFFFD" },
    };

    [Theory]
    [MemberData(nameof(LoneSurrogates))]
    public void ALoneSurrogateBecomesTheReplacementCharacterSoTheOutputIsValidUtf8(string text, string expectedInside)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(text, Options);

        var json = StrictUtf8.GetString(bytes); // throws on invalid UTF-8
        Assert.Equal($"\"{expectedInside}\"", json);
        using var parsed = JsonDocument.Parse(bytes);
        Assert.Equal(JsonValueKind.String, parsed.RootElement.ValueKind);
        Assert.Equal($"\"{expectedInside}\"", $"\"{WireJsonEncoder.Instance.Encode(text)}\"");
    }

    [Fact]
    public void IllFormedUtf8IsNeverCopiedThrough()
    {
        byte[][] inputs =
        [
            [0xF0, 0x9F, 0x91], // an emoji cut short
            [0xED, 0xA0, 0x80], // a surrogate encoded as UTF-8
            [0xF4, 0x90, 0x80, 0x80], // past U+10FFFF
            [0xC0, 0xAF], // an overlong '/'
            [0x61, 0xF0, 0x9F, 0x91, 0x8B, 0xFF], // 'a', an emoji, then a byte that is never UTF-8
        ];
        foreach (var input in inputs)
        {
            var first = WireJsonEncoder.Instance.FindFirstCharacterToEncodeUtf8(input);
            Assert.InRange(first, 0, input.Length - 1);

            var output = new byte[input.Length * 12];
            var status = WireJsonEncoder.Instance.EncodeUtf8(input, output, out var consumed, out var written);
            Assert.Equal(OperationStatus.Done, status);
            Assert.Equal(input.Length, consumed);
            var encoded = StrictUtf8.GetString(output, 0, written); // throws on invalid UTF-8
            Assert.Contains('\uFFFD', encoded);
        }
    }

    [Fact]
    public void APayloadPastedIntoAnHtmlScriptBlockCannotBreakOutOfIt()
    {
        var message = new { text = "</script><script>alert('x')</script><!-- & \"👋\"" };

        var json = JsonSerializer.Serialize(message, Options);

        Assert.DoesNotContain('<', json);
        Assert.DoesNotContain('>', json);
        Assert.DoesNotContain('&', json);
        Assert.DoesNotContain('\'', json);
        Assert.Contains("👋", json, StringComparison.Ordinal);
        Assert.Equal(message.text, JsonDocument.Parse(json).RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public void WillEncodeAgreesWithWhatIsWritten()
    {
        Assert.False(WireJsonEncoder.Instance.WillEncode('a'));
        Assert.False(WireJsonEncoder.Instance.WillEncode('é'));
        Assert.False(WireJsonEncoder.Instance.WillEncode('日'));
        Assert.False(WireJsonEncoder.Instance.WillEncode(0x1F44B));
        Assert.True(WireJsonEncoder.Instance.WillEncode('<'));
        Assert.True(WireJsonEncoder.Instance.WillEncode('"'));
        Assert.True(WireJsonEncoder.Instance.WillEncode('\\'));
        Assert.True(WireJsonEncoder.Instance.WillEncode(0x2028));
        Assert.True(WireJsonEncoder.Instance.WillEncode(0xD83D));
        Assert.True(WireJsonEncoder.Instance.WillEncode(0xF0000));
    }

    [Fact]
    public void LongTextWithManyEmojiRoundTripsThroughEveryPath()
    {
        var text = string.Concat(Enumerable.Repeat("ab👋日<\u0301😀", 500));

        foreach (var json in AllWays(text))
        {
            Assert.Equal(text, JsonSerializer.Deserialize<string>(json));
            Assert.DoesNotContain("\\uD83D", json, StringComparison.Ordinal);
        }
    }

    /// <summary>The JSON string literal for <paramref name="text"/>, written each way System.Text.Json can be given it.</summary>
    private static IEnumerable<string> AllWays(string text)
    {
        yield return StrictUtf8.GetString(JsonSerializer.SerializeToUtf8Bytes(text, Options));
        yield return JsonSerializer.Serialize(text, Options);

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = WireJsonEncoder.Instance }))
        {
            writer.WriteStringValue(Encoding.UTF8.GetBytes(text));
        }

        yield return StrictUtf8.GetString(buffer.WrittenSpan);
        yield return $"\"{WireJsonEncoder.Instance.Encode(text)}\"";
    }
}
