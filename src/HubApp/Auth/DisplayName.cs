using System.Globalization;
using System.Text;

namespace HubApp.Auth;

/// <summary>
/// A display name as the contract bounds it ("Authentication"): control and format characters (Unicode Cc and Cf:
/// bidi overrides, zero-width characters) removed, white space trimmed, at most <see cref="MaxLength"/> UTF-16 code
/// units without splitting a surrogate pair; an empty result falls back to the user id. The same value goes out live
/// and into history, since every name is taken from here.
/// </summary>
public static class DisplayName
{
    public const int MaxLength = 64;

    public static string Clean(string? name, string fallback)
    {
        if (string.IsNullOrEmpty(name))
        {
            return fallback;
        }

        // The common case (a plain short name) allocates nothing.
        if (name.Length <= MaxLength && !char.IsWhiteSpace(name[0]) && !char.IsWhiteSpace(name[^1]) && !HasRemovable(name))
        {
            return name;
        }

        var trimmed = Visible(name);
        if (trimmed.Length > MaxLength)
        {
            var cut = char.IsHighSurrogate(trimmed[MaxLength - 1]) && char.IsLowSurrogate(trimmed[MaxLength]) ? MaxLength - 1 : MaxLength;
            trimmed = trimmed[..cut].TrimEnd();
        }

        return trimmed.Length == 0 ? fallback : trimmed;
    }

    /// <summary>
    /// <paramref name="text"/> without control and format characters (Unicode Cc and Cf: bidi overrides, zero-width
    /// characters) and with white space trimmed: what a name or a room's topic may show, so that neither can be disguised.
    /// </summary>
    public static string Visible(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!HasRemovable(text))
        {
            return text.Trim();
        }

        var kept = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var width = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            if (!IsRemovable(text, i))
            {
                kept.Append(text, i, width);
            }

            i += width - 1;
        }

        return kept.ToString().Trim();
    }

    /// <summary>Whether the text holds a control or format character (a user id must not).</summary>
    public static bool HasRemovable(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (IsRemovable(text, i))
            {
                return true;
            }
        }

        return false;
    }

    // By code point, so that format characters beyond the BMP (the tag characters, U+E0001 and on) count too.
    private static bool IsRemovable(string text, int at) =>
        CharUnicodeInfo.GetUnicodeCategory(text, at) is UnicodeCategory.Control or UnicodeCategory.Format;
}
