using System.Buffers.Text;
using System.Text;

namespace HubApp.Json;

/// <summary>
/// Decodes the raw bytes of a JSON string token as a string even where <see cref="System.Text.Json.Utf8JsonReader"/>
/// will not: a <c>\uXXXX</c> escape of a lone surrogate is kept as that UTF-16 code unit, and bytes that are not
/// UTF-8 become U+FFFD. Only for tokens the reader has already tokenized, so escapes are well formed.
/// </summary>
internal static class LenientString
{
    public static string Decode(ReadOnlySpan<byte> raw)
    {
        var text = new StringBuilder(raw.Length);
        while (!raw.IsEmpty)
        {
            var backslash = raw.IndexOf((byte)'\\');
            var run = backslash < 0 ? raw : raw[..backslash];
            text.Append(Encoding.UTF8.GetString(run));
            if (backslash < 0 || backslash + 1 >= raw.Length)
            {
                break;
            }

            var escape = raw[backslash + 1];
            if (escape == (byte)'u' && backslash + 6 <= raw.Length
                && Utf8Parser.TryParse(raw.Slice(backslash + 2, 4), out ushort unit, out var used, 'X') && used == 4)
            {
                text.Append((char)unit);
                raw = raw[(backslash + 6)..];
                continue;
            }

            text.Append(escape switch
            {
                (byte)'b' => '\b',
                (byte)'f' => '\f',
                (byte)'n' => '\n',
                (byte)'r' => '\r',
                (byte)'t' => '\t',
                _ => (char)escape, // \" \\ \/
            });
            raw = raw[(backslash + 2)..];
        }

        return text.ToString();
    }
}
