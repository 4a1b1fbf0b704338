using System.Globalization;
using System.Text;
using HubApp.Errors;

namespace HubApp.Messaging;

internal static class MessageText
{
    /// <summary>
    /// Throws the contract's error for text that is empty, shows nothing or is too long, and returns the text as
    /// it will be stored: lone UTF-16 surrogates, which no store can keep as UTF-8, become U+FFFD, so what
    /// the sender is told was stored is exactly what history returns.
    /// </summary>
    public static string Validate(string? text, int maxLength) => Validate(text, maxLength, mayShowNothing: false);

    /// <summary>
    /// As <see cref="Validate(string?, int)"/>; when <paramref name="mayShowNothing"/> (a draft with attachments), a missing,
    /// empty or invisible text is allowed (a missing one is stored empty).
    /// </summary>
    public static string Validate(string? text, int maxLength, bool mayShowNothing)
    {
        if (mayShowNothing && text is null)
        {
            return string.Empty;
        }

        if (text is null || (!mayShowNothing && IsInvisible(text)))
        {
            throw ChatErrors.InvalidMessage();
        }

        if (text.Length > maxLength)
        {
            throw ChatErrors.MessageTooLong(maxLength);
        }

        return IsWellFormed(text) ? text : ReplaceLoneSurrogates(text);
    }

    /// <summary>
    /// Whether the text would render as nothing: only white space, control and format characters (zero-width
    /// spaces and joiners, bidi marks, soft hyphens), variation selectors, and the characters fonts draw blank on
    /// purpose (Hangul fillers, the Braille blank). Such a "message" is an empty one that a plain blank check misses.
    /// </summary>
    internal static bool IsInvisible(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (!IsBlank(rune))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsBlank(Rune rune) =>
        Rune.IsWhiteSpace(rune)
        || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format or UnicodeCategory.Control
        || rune.Value is 0x034F // combining grapheme joiner
            or 0x115F or 0x1160 or 0x3164 or 0xFFA0 // Hangul fillers
            or 0x2800 // Braille pattern blank
            or (>= 0xFE00 and <= 0xFE0F) or (>= 0xE0100 and <= 0xE01EF); // variation selectors

    /// <summary>Whether <paramref name="text"/> has no lone UTF-16 surrogate.</summary>
    internal static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static string ReplaceLoneSurrogates(string text)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                result.Append(c).Append(text[++i]);
            }
            else
            {
                result.Append(char.IsSurrogate(c) ? '\ufffd' : c);
            }
        }

        return result.ToString();
    }
}
