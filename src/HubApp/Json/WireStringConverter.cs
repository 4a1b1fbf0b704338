using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HubApp.Json;

/// <summary>
/// Writes every string value with <see cref="WireJsonEncoder"/>, whatever the writer it is given.
/// </summary>
/// <remarks>
/// Needed because SignalR's JSON hub protocol ignores <c>PayloadSerializerOptions.Encoder</c>: it serializes the
/// arguments into a <see cref="Utf8JsonWriter"/> of its own, created with <c>UnsafeRelaxedJsonEscaping</c>, and a
/// writer's encoder wins over the options' one. That writer escapes every emoji as two <c>\uXXXX</c> and leaves
/// <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c> and <c>'</c> raw. So each string is encoded here into a buffer of this thread's
/// and handed over as a raw, already valid JSON string literal. Property names are the contract's ASCII names and
/// go through the protocol's writer as before. Thread-safe: the buffer is per thread and used without awaiting.
/// </remarks>
public sealed class WireStringConverter : JsonConverter<string>
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return reader.GetString();
        }

        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escape (\ud800) or bytes that are not UTF-8: System.Text.Json refuses to make a string
            // of them, and SignalR would answer its generic "error on the server". Decoded leniently instead, the
            // string reaches the hub's own checks: a text keeps U+FFFD in place of the lone surrogate (MessageText),
            // and a room name or user id is refused with its contract code.
            return LenientString.Decode(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);
        }
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (ReferenceEquals(writer.Options.Encoder, WireJsonEncoder.Instance))
        {
            writer.WriteStringValue(value);
            return;
        }

        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        var literal = t_writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = WireJsonEncoder.Instance, SkipValidation = true });
        buffer.ResetWrittenCount();
        literal.Reset(buffer);
        literal.WriteStringValue(value);
        literal.Flush();
        writer.WriteRawValue(buffer.WrittenSpan, skipInputValidation: true);
        if (buffer.Capacity > 64 * 1024)
        {
            // One very long text should not keep its buffer on the thread for good.
            t_buffer = null;
            t_writer = null;
        }
    }
}
