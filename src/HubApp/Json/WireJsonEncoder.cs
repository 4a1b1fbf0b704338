using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace HubApp.Json;

/// <summary>
/// The encoder of every JSON HubApp writes (hub protocol and HTTP endpoints): text goes out as UTF-8, not as
/// <c>\uXXXX</c>, except what must stay escaped. The hub protocol needs <see cref="WireStringConverter"/> besides,
/// to apply it.
/// </summary>
/// <remarks>
/// <para>
/// It is <c>JavaScriptEncoder.Create(UnicodeRanges.All)</c> plus the supplementary planes. That encoder leaves the
/// whole BMP (Latin, CJK, combining marks) as UTF-8 but, on .NET 10 as before, still escapes every character
/// outside the BMP as two <c>\uXXXX</c> (an emoji: 12 bytes instead of 4); so does
/// <c>UnsafeRelaxedJsonEscaping</c>, which in addition leaves <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c>,
/// <c>'</c> and <c>"</c> raw. Here a well-formed surrogate pair is written as its 4 UTF-8 bytes unless it is
/// unassigned or private use (which the inner encoder also escapes in the BMP).
/// </para>
/// <para>
/// Still escaped, by the inner encoder: <c>"</c> and <c>\</c> (JSON), control characters, U+2028 and U+2029
/// (line terminators in older JavaScript), lone surrogates and ill-formed UTF-8 (replaced by U+FFFD, so the output is
/// always valid UTF-8 and valid JSON), and the HTML-significant <c>&lt; &gt; &amp; ' "</c> plus <c>+</c> and <c>`</c>, so that a
/// payload pasted into an HTML page or a script block stays inert (<c>&lt;/script&gt;</c> cannot end a script). The
/// page renders text with <c>textContent</c> anyway; this is a second wall, and it costs bytes only for those
/// few characters.
/// </para>
/// Stateless and thread-safe, as every <see cref="TextEncoder"/> must be.
/// </remarks>
public sealed class WireJsonEncoder : JavaScriptEncoder
{
    public static readonly WireJsonEncoder Instance = new();

    private static readonly JavaScriptEncoder Inner = Create(UnicodeRanges.All);

    private WireJsonEncoder()
    {
    }

    // \uXXXX for one UTF-16 code unit; a pair left raw is 2 for 2.
    public override int MaxOutputCharactersPerInputCharacter => Inner.MaxOutputCharactersPerInputCharacter;

    // A surrogate code point is not a scalar (the inner encoder would throw): always escaped.
    public override bool WillEncode(int unicodeScalar) =>
        !Rune.IsValid(unicodeScalar) || (!IsPassedThrough(unicodeScalar) && Inner.WillEncode(unicodeScalar));

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        var span = new ReadOnlySpan<char>(text, textLength);
        var offset = 0;
        while (offset < span.Length)
        {
            int found;
            fixed (char* rest = span[offset..])
            {
                found = Inner.FindFirstCharacterToEncode(rest, span.Length - offset);
            }

            if (found < 0)
            {
                return -1;
            }

            var at = offset + found;
            if (Rune.DecodeFromUtf16(span[at..], out var rune, out var consumed) != System.Buffers.OperationStatus.Done || !IsPassedThrough(rune.Value))
            {
                return at;
            }

            offset = at + consumed;
        }

        return -1;
    }

    public override int FindFirstCharacterToEncodeUtf8(ReadOnlySpan<byte> utf8Text)
    {
        var offset = 0;
        while (offset < utf8Text.Length)
        {
            var found = Inner.FindFirstCharacterToEncodeUtf8(utf8Text[offset..]);
            if (found < 0)
            {
                return -1;
            }

            var at = offset + found;
            if (Rune.DecodeFromUtf8(utf8Text[at..], out var rune, out var consumed) != System.Buffers.OperationStatus.Done || !IsPassedThrough(rune.Value))
            {
                return at;
            }

            offset = at + consumed;
        }

        return -1;
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        // Asked for a scalar it passes through (a caller that did not check WillEncode first): the pair itself.
        if (IsPassedThrough(unicodeScalar))
        {
            numberOfCharactersWritten = 0;
            if (bufferLength < 2)
            {
                return false;
            }

            numberOfCharactersWritten = new Rune(unicodeScalar).EncodeToUtf16(new Span<char>(buffer, bufferLength));
            return true;
        }

        return Inner.TryEncodeUnicodeScalar(unicodeScalar, buffer, bufferLength, out numberOfCharactersWritten);
    }

    /// <summary>A supplementary-plane scalar that is assigned and not private use: emoji, historic scripts, rare CJK.</summary>
    private static bool IsPassedThrough(int scalar) =>
        scalar > 0xFFFF && Rune.IsValid(scalar)
        && Rune.GetUnicodeCategory(new Rune(scalar)) is not (UnicodeCategory.OtherNotAssigned or UnicodeCategory.PrivateUse);
}
